// What the local edge sites' servers say on their own monitoring ports: they are not in the
// supercluster, so the system account's broadcast does not reach them.
import { type EdgeMonitorAnswers, type EdgeServerView, edgeLines, edgeProblems, edgeServerView } from '../../nats/edges.js';
import type { ObservationSection } from '../../nats/observation.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './plan.js';

async function edgeServer(
  name: string,
  monitor: number | undefined,
  timeoutMs: number,
  accountNames: Record<string, string>,
): Promise<EdgeServerView> {
  if (monitor === undefined) return edgeServerView(name, undefined);
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`http://127.0.0.1:${monitor}/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return (await r.json()) as T;
  };
  const answers = await Promise.all([get<EdgeMonitorAnswers['leafz']>('leafz'), get<EdgeMonitorAnswers['jsz']>('jsz')]).then(
    ([leafz, jsz]) => ({ leafz, jsz }),
    () => undefined,
  );
  return edgeServerView(name, answers, accountNames);
}

/** `accountNames`: account key -> name, in operator mode (LEAFZ names an account by its key there). */
export async function observeEdges(
  topo: Topology,
  state: LocalState,
  accountNames: Record<string, string> = {},
  timeoutMs = 1000,
): Promise<EdgeServerView[]> {
  return Promise.all(topo.edges.flatMap((e) => e.servers).map((n) => edgeServer(n, state.ports[n]?.monitor, timeoutMs, accountNames)));
}

/** The edge sites' section of status, when the sandbox has any. */
export function edgesSection(topo: Topology, views: readonly EdgeServerView[]): ObservationSection | undefined {
  if (!topo.edges.length) return undefined;
  return {
    name: 'edges',
    problems: edgeProblems(topo, views).map((p) => ({ text: p.text, region: p.edge })),
    json: { edges: views },
    text: edgeLines(topo, views),
  };
}
