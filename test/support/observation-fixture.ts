// Observations for view-model and picture tests: a healthy small supercluster as the servers
// would report it, and the same with regions down. No server runs.
import { type JetStreamView, type Observation, observation, type ServiceView } from '../../nats/observation.js';
import { buildTopology, type Topology } from '../../nats/topology.js';
import type { LiveServer } from '../../nats/verify.js';

export const SMALL = { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } };

/** Every server answering with every route and gateway; inbound gateways land on gw servers. */
export function healthyLive(topo: Topology, metaLeader = `${topo.names[0]}-xr-js-nats-0`): LiveServer[] {
  const live = topo.servers.map(
    (s): LiveServer => ({
      name: s.name,
      id: `ID-${s.name}`,
      cluster: s.cluster,
      version: '2.9.10',
      jetstream: s.jetstream,
      tags: s.tags,
      connections: 0,
      routes: 0,
      routePeers: topo.servers.filter((p) => p.cluster === s.cluster && p.name !== s.name).map((p) => p.name),
      outboundGateways: topo.clusters.filter((c) => c.name !== s.cluster).map((c) => c.name),
      inboundGateways: {},
      memBytes: 10 * 1024 ** 2,
      uptime: '1m',
      ...(s.jetstream ? { metaLeader, metaClusterSize: topo.servers.filter((x) => x.jetstream).length } : {}),
    }),
  );
  for (const from of live) {
    for (const target of from.outboundGateways) {
      const gw = live.find((x) => x.cluster === target && (target === 'xr-js' || x.name.includes('-gw-')))!;
      gw.inboundGateways[from.cluster] = (gw.inboundGateways[from.cluster] ?? 0) + 1;
    }
  }
  for (const s of live) s.routes = s.routePeers.length;
  return live;
}

/** Live servers with every server of `regions` gone, and the others' routes and gateways to them too. */
export function withRegionsDown(topo: Topology, live: LiveServer[], regions: string[]): LiveServer[] {
  const gone = new Set(topo.servers.filter((s) => regions.includes(s.datacenter)).map((s) => s.name));
  return live
    .filter((s) => !gone.has(s.name))
    .map((s) => ({
      ...s,
      routePeers: s.routePeers.filter((p) => !gone.has(p)),
      outboundGateways: s.outboundGateways.filter((g) => !regions.includes(g)),
    }));
}

export const JETSTREAM: JetStreamView = {
  streams: [
    {
      name: 'answers',
      cluster: 'xr-js',
      placementTags: ['dc:xr'],
      replicas: 3,
      leader: 'c1-xr-js-nats-0',
      followers: [
        { name: 'c2-xr-js-nats-0', current: true, lag: 0, offline: false },
        { name: 'c3-xr-js-nats-0', current: false, lag: 7, offline: false },
      ],
      messages: 42,
      bytes: 4200,
      consumers: [{ stream: 'answers', name: 'answers-consumer', pending: 2, ackPending: 1, redelivered: 0 }],
    },
  ],
  kv: [{ bucket: 'sandbox-config', values: 3, replicas: 3, cluster: 'xr-js' }],
};

export const SERVICES: ServiceView[] = [
  { region: 'c1', name: 'adder-c1', instance: 'c1-adder-0', requests: 10, errors: 0 },
  { region: 'c1', name: 'divider-c1', instance: 'c1-divider-0', requests: 5, errors: 2 },
  { region: 'c2', name: 'adder-c2', instance: 'c2-adder-0', requests: 7, errors: 0 },
];

export function smallObservation(names = ['c1', 'c2', 'c3'], down: string[] = []): Observation {
  const topology = buildTopology(names, SMALL);
  const live = withRegionsDown(topology, healthyLive(topology), down);
  return observation({
    topology,
    live,
    jetstream: JETSTREAM,
    services: SERVICES.filter((s) => !down.includes(s.region)),
    at: new Date('2026-01-01T00:00:00Z'),
  });
}
