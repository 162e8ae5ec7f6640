import { commandHint } from '../../core/hint.js';
import { formatDuration, log } from '../../core/log.js';
import { REPOS } from '../../k8s/charts.js';
import { NAMESPACES } from '../../k8s/names.js';
import { natsCredentialsSecret } from '../../k8s/nats-manifests.js';
import { natsSecretData } from '../../k8s/nats-values.js';
import { type ClusterPlan, kubePlan, NATS_NAMESPACE_IDENTITIES, natsValuesInput } from '../../k8s/plan.js';
import { verdictLine } from '../../nats/report.js';
import { waitConverged } from '../converge.js';
import { applyNatsPki } from './certs.js';
import { reconcileEdges } from './edges.js';
import { ingressHosts, pollMs } from './ingress-address.js';
import { applyCredsSecrets } from './jwt.js';
import { observeKube } from './observe.js';
import { addHelmRepos, applyFile, applyObjects, helmUpgrade } from './ops.js';
import { eachCluster, type KubeRun, planInputOf } from './run.js';

async function installCluster(k: KubeRun, p: ClusterPlan, secretData: Record<string, string>): Promise<void> {
  const t = p.target;
  await applyFile(k, t, p.supercluster.namespace);
  await applyCredsSecrets(k, t, NAMESPACES.nats, NATS_NAMESPACE_IDENTITIES);
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
    await k.runner.run(['kubectl', 'rollout', 'restart', ...statefulSets, '--namespace', NAMESPACES.nats], {
      cluster: t.name,
      context: t.context,
    });
  }
}

async function waitForPods(k: KubeRun, p: ClusterPlan): Promise<void> {
  for (const release of p.supercluster.nats) {
    await k.runner.run(
      [
        'kubectl',
        'rollout',
        'status',
        `statefulset/${release.values.fullnameOverride as string}`,
        '--namespace',
        NAMESPACES.nats,
        `--timeout=${k.settings.waitSeconds}s`,
      ],
      {
        cluster: p.target.name,
        context: p.target.context,
        fix: `see why with: kubectl --context ${p.target.context} -n ${NAMESPACES.nats} get pods; kubectl --context ${p.target.context} -n ${NAMESPACES.nats} logs <pod> -c nats`,
      },
    );
  }
}

/** Poll every server's monitoring endpoints until the supercluster matches the model. */
async function converge(k: KubeRun): Promise<void> {
  let lastReport = 0;
  const { verdict, live, elapsedMs } = await waitConverged({
    topology: k.topo,
    observe: () => observeKube(k),
    timeoutMs: k.settings.waitSeconds * 1000,
    intervalMs: pollMs(k),
    fix: `${commandHint('status', k.names)} shows the current state`,
    onProgress: (v, elapsed) => {
      if (elapsed - lastReport > 15000) {
        lastReport = elapsed;
        log.info(`  waiting for the supercluster to converge: ${v.problems.length} problem(s) left, e.g. ${v.problems[0]}`);
      }
    },
  });
  log.info(`converged in ${formatDuration(elapsedMs)}: ${verdictLine(verdict, live)}`);
}

export async function superclusterStage(k: KubeRun): Promise<void> {
  const ingressHost = await ingressHosts(k, true);
  if (ingressHost) for (const t of k.targets) log.cluster(t.name, `gateways reached at ${ingressHost(t.name)}:7222 (ingress LoadBalancer)`);
  const input = planInputOf(k, ingressHost);
  const plans = kubePlan(input);
  // kube: stage 02 could not know the address on a first install; the servers' certificate must
  // carry it before they start (an unchanged certificate is left alone).
  if (ingressHost) await eachCluster(plans, (p) => applyNatsPki(k, p));
  await addHelmRepos(k, [REPOS.nats]);
  await eachCluster(plans, (p) => installCluster(k, p, natsSecretData(natsValuesInput(input, p.target))));
  await reconcileEdges(k);
  if (k.dryRun) {
    log.info(
      `would wait for the NATS pods and check that the ${k.topo.servers.length} servers formed the supercluster the model describes`,
    );
    return;
  }
  await eachCluster(plans, (p) => waitForPods(k, p));
  await converge(k);
}
