// Observe the NATS servers of every cluster through kubectl: each pod's monitoring endpoints via
// the API server's pod proxy. Reads only.

import { NAMESPACES, natsFullname } from '../../k8s/names.js';
import type { KubeTarget } from '../../k8s/targets.js';
import { KUBERNETES_PORTS } from '../../nats/addressing.js';
import { type EdgeMonitorAnswers, type EdgeServerView, edgeServerView } from '../../nats/edges.js';
import { copiesIn, type JszStreams, type StreamCopy } from '../../nats/jetstream/copies.js';
import { type Healthz, liveServers, type MonitorAnswers } from '../../nats/monitoring.js';
import type { LiveServer } from '../../nats/verify.js';
import { eachCluster, type KubeRun } from './run.js';

async function monitor<T>(k: KubeRun, t: KubeTarget, pod: string, endpoint: string): Promise<T | undefined> {
  const path = `/api/v1/namespaces/${NAMESPACES.nats}/pods/${pod}:${KUBERNETES_PORTS.monitor}/proxy/${endpoint}`;
  const out = await k.runner
    .run(['kubectl', 'get', '--raw', path], { cluster: t.name, context: t.context, read: true, assume: '', silent: true })
    .catch(() => undefined);
  if (!out?.stdout.trim()) return undefined;
  try {
    return JSON.parse(out.stdout) as T;
  } catch {
    return undefined;
  }
}

/** /healthz answers 503 when the server is not healthy, which kubectl reports as a failure. */
async function health(k: KubeRun, t: KubeTarget, pod: string): Promise<Healthz> {
  return (await monitor<Healthz>(k, t, pod, 'healthz?details=true')) ?? { status: 'unavailable', error: 'healthz did not answer 200' };
}

/** Every server that answers, in every cluster; a server that does not answer is left out. */
export async function observeKube(k: KubeRun): Promise<LiveServer[]> {
  const answers = await eachCluster(k.targets, async (t) => {
    const servers = k.topo.servers.filter((s) => s.datacenter === t.name);
    const out: MonitorAnswers[] = [];
    // A few pods at a time: enough to be quick, few enough for the API server and a laptop.
    for (let i = 0; i < servers.length; i += 4) {
      const batch = await Promise.all(
        servers.slice(i, i + 4).map(async (s) => {
          const pod = `${natsFullname(s.release)}-${s.index}`;
          const [varz, routez, gatewayz, jsz, healthz] = await Promise.all([
            monitor<MonitorAnswers['varz']>(k, t, pod, 'varz'),
            monitor<MonitorAnswers['routez']>(k, t, pod, 'routez'),
            monitor<MonitorAnswers['gatewayz']>(k, t, pod, 'gatewayz'),
            s.jetstream ? monitor<MonitorAnswers['jsz']>(k, t, pod, 'jsz') : Promise.resolve(undefined),
            health(k, t, pod),
          ]);
          return varz ? [{ varz, ...(routez ? { routez } : {}), ...(gatewayz ? { gatewayz } : {}), ...(jsz ? { jsz } : {}), healthz }] : [];
        }),
      );
      out.push(...batch.flat());
    }
    return out;
  });
  return liveServers(answers.flat());
}

/** The copies of every stream each JetStream server holds (its JSZ with accounts and streams). */
export async function observeKubeCopies(k: KubeRun): Promise<StreamCopy[]> {
  const copies = await eachCluster(k.targets, async (t) => {
    const servers = k.topo.servers.filter((s) => s.datacenter === t.name && s.jetstream);
    const out: StreamCopy[] = [];
    for (let i = 0; i < servers.length; i += 4) {
      const batch = await Promise.all(
        servers.slice(i, i + 4).map(async (s) => {
          const jsz = await monitor<JszStreams>(k, t, `${natsFullname(s.release)}-${s.index}`, 'jsz?accounts=true&streams=true');
          return copiesIn(s.name, jsz);
        }),
      );
      out.push(...batch.flat());
    }
    return out;
  });
  return copies.flat();
}

/**
 * What each edge site's server says of itself (LEAFZ, JSZ), through its hub cluster's API server:
 * an edge is not in the supercluster, so nothing else reports it. Its pod is its server's name
 * (the release's fullname, no prefix: k8s/edge-values.ts).
 */
export async function observeKubeEdges(k: KubeRun): Promise<EdgeServerView[]> {
  const views = await eachCluster(k.targets, async (t) =>
    Promise.all(
      k.topo.edges
        .filter((e) => e.hub === t.name)
        .flatMap((e) => e.servers)
        .map(async (pod) => {
          const [leafz, jsz] = await Promise.all([
            monitor<EdgeMonitorAnswers['leafz']>(k, t, pod, 'leafz'),
            monitor<EdgeMonitorAnswers['jsz']>(k, t, pod, 'jsz'),
          ]);
          return edgeServerView(pod, leafz && jsz ? { leafz, jsz } : undefined);
        }),
    ),
  );
  return views.flat();
}
