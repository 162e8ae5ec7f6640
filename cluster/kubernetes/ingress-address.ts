// A kube cluster's haproxy LoadBalancer address: where the other clusters reach its gateways, and
// a name its NATS server certificate must carry. Stage 06 waits for it; stage 02 takes it when the
// LoadBalancer already has one (a re-run), so the certificate stays as stage 06 left it.
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { HAPROXY_SERVICE, NAMESPACES } from '../../k8s/names.js';
import { type KubeTarget, pendingIngressHost } from '../../k8s/targets.js';
import { eachCluster, type KubeRun } from './run.js';

/** Poll every 5s, or more often when the wait is short. */
export const pollMs = (k: KubeRun) => Math.min(5000, (k.settings.waitSeconds * 1000) / 4);

/** One read: the address, or '' while there is none. `missingOk`: no ingress service yet is no address. */
async function readAddress(k: KubeRun, t: KubeTarget, missingOk: boolean, assume: string): Promise<string> {
  const out = await k.runner.run(
    [
      'kubectl',
      'get',
      'service',
      HAPROXY_SERVICE,
      '--namespace',
      NAMESPACES.ingress,
      ...(missingOk ? ['--ignore-not-found'] : []),
      '-o',
      'jsonpath={.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}',
    ],
    { cluster: t.name, context: t.context, read: true, assume, fix: 'run stage 05-ingress for this cluster first' },
  );
  return out.stdout.trim();
}

/** Wait until the cloud has given the LoadBalancer an address. */
export async function waitIngressAddress(k: KubeRun, t: KubeTarget): Promise<string> {
  const deadline = performance.now() + k.settings.waitSeconds * 1000;
  for (;;) {
    const address = await readAddress(k, t, false, pendingIngressHost(t.name));
    if (address) return address;
    if (performance.now() > deadline) {
      throw new CommandError(
        `cluster ${t.name}: the ${HAPROXY_SERVICE} LoadBalancer has no address after ${k.settings.waitSeconds}s\nfix: check the cluster can provision LoadBalancers: kubectl --context ${t.context} -n ${NAMESPACES.ingress} describe service ${HAPROXY_SERVICE}`,
      );
    }
    log.cluster(t.name, 'waiting for the ingress LoadBalancer address');
    await sleep(pollMs(k));
  }
}

/** Every kube cluster's address as an ingressHost function (pending where unknown); k3d knows its own. */
export async function ingressHosts(k: KubeRun, wait: boolean): Promise<((cluster: string) => string) | undefined> {
  if (!k.flavor.findsIngressAddresses) return undefined;
  const found = await eachCluster(
    k.targets,
    async (t) => [t.name, wait ? await waitIngressAddress(k, t) : await readAddress(k, t, true, '')] as const,
  );
  const addresses = new Map(found.filter(([, a]) => a));
  return (cluster) => addresses.get(cluster) ?? pendingIngressHost(cluster);
}
