// Where a local operator-mode sandbox takes websocket clients: each region's seed servers'
// websocket listeners (planned in state.ts, configured in supercluster.ts), on loopback.
import { LOOPBACK } from '../../nats/addressing.js';
import type { ObservationSection } from '../../nats/observation.js';
import type { Topology } from '../../nats/topology.js';
import { websocketListeners, websocketUrl } from '../../nats/websocket.js';
import type { LocalState } from './plan.js';
import { websocketKey } from './ports.js';

/** Region -> its websocket URLs (wss://127.0.0.1:port); empty without websockets (mTLS mode). */
export function localWebsocketUrls(topo: Topology, state: Pick<LocalState, 'ports'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of websocketListeners(topo)) {
    const port = state.ports[websocketKey(s.name)]?.client;
    if (port !== undefined) out[s.datacenter] = [...(out[s.datacenter] ?? []), websocketUrl(LOOPBACK, port)];
  }
  return out;
}

/** Status's websockets section: where browsers and websocket clients connect, per region (operator mode). */
export function websocketSection(topo: Topology, state: Pick<LocalState, 'ports'>): ObservationSection | undefined {
  const urls = localWebsocketUrls(topo, state);
  if (!Object.keys(urls).length) return undefined;
  return {
    name: 'websockets',
    problems: [],
    json: { websockets: urls },
    text: Object.entries(urls).map(([region, u]) => `websockets ${region}: ${u.join(' ')}`),
  };
}
