// What the local edge sites' servers say on their own monitoring ports: they are not in the
// supercluster, so the system account's broadcast does not reach them.
import { type EdgeServerView, edgeLines, edgeProblems } from '../../nats/edges.js';
import type { ObservationSection } from '../../nats/observation.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './plan.js';

async function edgeServer(name: string, monitor: number | undefined, timeoutMs: number): Promise<EdgeServerView> {
  if (monitor === undefined) return { name, answered: false, leafs: [] };
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`http://127.0.0.1:${monitor}/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return (await r.json()) as T;
  };
  try {
    const [leafz, jsz] = await Promise.all([
      get<{ leafs?: { name: string; account: string }[] | null }>('leafz'),
      get<{ disabled?: boolean; config?: { domain?: string } }>('jsz'),
    ]);
    return {
      name,
      answered: true,
      leafs: (leafz.leafs ?? []).map((l) => ({ server: l.name, account: l.account })),
      ...(jsz.disabled ? {} : { domain: jsz.config?.domain ?? '' }),
    };
  } catch {
    return { name, answered: false, leafs: [] };
  }
}

export async function observeEdges(topo: Topology, state: LocalState, timeoutMs = 1000): Promise<EdgeServerView[]> {
  return Promise.all(topo.edges.flatMap((e) => e.servers).map((n) => edgeServer(n, state.ports[n]?.monitor, timeoutMs)));
}

/** The edge sites' section of status, when the sandbox has any. */
export function edgesSection(topo: Topology, views: readonly EdgeServerView[]): ObservationSection | undefined {
  if (!topo.edges.length) return undefined;
  return {
    name: 'edges',
    problems: edgeProblems(topo, views).map((text) => ({ text })),
    json: { edges: views },
    text: edgeLines(topo, views),
  };
}
