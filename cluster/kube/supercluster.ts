// Stage 06 on Kubernetes: the four NATS releases of every cluster from the topology model, their
// Secret, the haproxy TCP routes and the local xr-js service; then wait for the pods and check,
// through each server's monitoring endpoint, that the supercluster formed as the model says.
// kube clusters' gateway endpoints are their ingress LoadBalancer addresses, found here first
// (stage 05 made the LoadBalancers); a changed address on a later run upgrades the releases.
import { setTimeout as sleep } from 'node:timers/promises';
import { REPOS } from '../../k8s/charts.js';
import { HAPROXY_SERVICE, NAMESPACES } from '../../k8s/names.js';
import { natsCredentialsSecret } from '../../k8s/nats-manifests.js';
import { kubePlan, natsValuesInput, type ClusterPlan } from '../../k8s/plan.js';
import { pendingIngressHost, type KubeTarget } from '../../k8s/targets.js';
import { expectedTopology } from '../../nats/expected.js';
import { natsSecretData } from '../../nats/helm-values.js';
import { verdictLine } from '../../nats/report.js';
import { verify } from '../../nats/verify.js';
import { CommandError } from '../../scripts/lib/command.js';
import { formatDuration, log } from '../../scripts/lib/log.js';
import { eachCluster, planInputOf, type KubeContext } from './context.js';
import { observeKube } from './observe.js';
import { addHelmRepos, applyFile, applyObjects, helmUpgrade } from './ops.js';

/** Poll every 5s, or more often when the wait is short. */
const pollMs = (k: KubeContext) => Math.min(5000, (k.settings.waitSeconds * 1000) / 4);

/** The address of a kube cluster's haproxy LoadBalancer, once the cloud has given it one. */
async function ingressAddress(k: KubeContext, t: KubeTarget): Promise<string> {
  const deadline = performance.now() + k.settings.waitSeconds * 1000;
  for (;;) {
    const out = await k.runner.run([
      'kubectl', 'get', 'service', HAPROXY_SERVICE, '--namespace', NAMESPACES.ingress,
      '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}',
    ], { cluster: t.name, context: t.context, read: true, assume: pendingIngressHost(t.name), fix: 'run stage 05-ingress for this cluster first' });
    const address = out.stdout.trim();
    if (address) return address;
    if (performance.now() > deadline) {
      throw new CommandError(`cluster ${t.name}: the ${HAPROXY_SERVICE} LoadBalancer has no address after ${k.settings.waitSeconds}s\nfix: check the cluster can provision LoadBalancers: kubectl --context ${t.context} -n ${NAMESPACES.ingress} describe service ${HAPROXY_SERVICE}`);
    }
    log.cluster(t.name, 'waiting for the ingress LoadBalancer address');
    await sleep(pollMs(k));
  }
}

async function installCluster(k: KubeContext, p: ClusterPlan, secretData: Record<string, string>): Promise<void> {
  const t = p.target;
  await applyFile(k, t, p.supercluster.namespace);
  const applied = await applyObjects(k, t, [natsCredentialsSecret(secretData)]);
  // Releases are installed without --wait: a JetStream server is ready only once the meta group
  // spans the clusters, so waiting here for one cluster would wait for the others forever.
  for (const release of p.supercluster.nats) await helmUpgrade(k, release, { wait: false });
  await applyFile(k, t, p.supercluster.tcpRoutes);
  await applyFile(k, t, p.supercluster.xrJsService);
  const statefulSets = p.supercluster.nats.map((r) => `statefulset/${r.values.fullnameOverride as string}`);
  // Credentials and routes are environment: running servers see a change only after a restart.
  if (/configured/.test(applied.stdout)) {
    log.cluster(t.name, 'the NATS credentials or routes changed: restarting the servers');
    await k.runner.run(['kubectl', 'rollout', 'restart', ...statefulSets, '--namespace', NAMESPACES.nats], { cluster: t.name, context: t.context });
  }
}

async function waitForPods(k: KubeContext, p: ClusterPlan): Promise<void> {
  for (const release of p.supercluster.nats) {
    await k.runner.run(['kubectl', 'rollout', 'status', `statefulset/${release.values.fullnameOverride as string}`, '--namespace', NAMESPACES.nats, `--timeout=${k.settings.waitSeconds}s`], {
      cluster: p.target.name,
      context: p.target.context,
      fix: `see why with: kubectl --context ${p.target.context} -n ${NAMESPACES.nats} get pods; kubectl --context ${p.target.context} -n ${NAMESPACES.nats} logs <pod> -c nats`,
    });
  }
}

/** Poll every server's monitoring endpoints until the supercluster matches the model. */
async function waitConverged(k: KubeContext): Promise<void> {
  const expected = expectedTopology(k.topo);
  const started = performance.now();
  let lastReport = 0;
  for (;;) {
    const live = await observeKube(k);
    const verdict = verify(expected, live);
    if (verdict.ok) {
      log.info(`converged in ${formatDuration(performance.now() - started)}: ${verdictLine(verdict, live)}`);
      return;
    }
    if (performance.now() - started > k.settings.waitSeconds * 1000) {
      throw new CommandError(`the supercluster did not converge in ${k.settings.waitSeconds}s:\n  - ${verdict.problems.slice(0, 10).join('\n  - ')}\nfix: npx zx scripts/status.mjs ${k.names.join(' ')} shows the current state`);
    }
    if (performance.now() - lastReport > 15000) {
      lastReport = performance.now();
      log.info(`  waiting for the supercluster to converge: ${verdict.problems.length} problem(s) left, e.g. ${verdict.problems[0]}`);
    }
    await sleep(pollMs(k));
  }
}

export async function superclusterStage(k: KubeContext): Promise<void> {
  let ingressHost: ((cluster: string) => string) | undefined;
  if (k.provider === 'kube') {
    const addresses = new Map(await eachCluster(k.targets, async (t) => [t.name, await ingressAddress(k, t)] as const));
    for (const [name, address] of addresses) log.cluster(name, `gateways reached at ${address}:7222 (ingress LoadBalancer)`);
    ingressHost = (cluster) => addresses.get(cluster) ?? pendingIngressHost(cluster);
  }
  const input = planInputOf(k, ingressHost);
  const plans = kubePlan(input);
  await addHelmRepos(k, [REPOS.nats]);
  await eachCluster(plans, (p) => installCluster(k, p, natsSecretData(natsValuesInput(input, p.target))));
  if (k.dryRun) {
    log.info(`would wait for the NATS pods and check that the ${k.topo.servers.length} servers formed the supercluster the model describes`);
    return;
  }
  await eachCluster(plans, (p) => waitForPods(k, p));
  await waitConverged(k);
}
