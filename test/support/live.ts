// What a healthy supercluster reports, for the pure tests of verify, diagnose and the views:
// every route and gateway among the servers of the regions that are up, inbound gateways landing
// on gw servers, c1-js-nats-0 the meta leader (with its view of the meta group's peers), as 2.14 answers.
import type { Topology } from '../../nats/topology.js';
import type { LiveServer } from '../../nats/verify.js';

export const META_LEADER = 'c1-js-nats-0';

export function healthyLive(topo: Topology, up: (datacenter: string) => boolean = () => true): LiveServer[] {
  const alive = topo.servers.filter((s) => up(s.datacenter));
  const clusters = topo.clusters.filter((c) => c.kind === 'stretched' || up(c.name)).map((c) => c.name);
  const jetstream = topo.servers.filter((s) => s.jetstream);
  const live = alive.map(
    (s): LiveServer => ({
      name: s.name,
      id: `ID-${s.name}`,
      cluster: s.cluster,
      version: '2.14.2',
      jetstream: s.jetstream,
      tags: s.tags,
      connections: 0,
      routes: 0,
      routePeers: alive.filter((p) => p.cluster === s.cluster && p.name !== s.name).map((p) => p.name),
      outboundGateways: clusters.filter((c) => c !== s.cluster),
      inboundGateways: {},
      memBytes: 10 * 1024 ** 2,
      uptime: '1m',
      // Every JetStream server of 2.14 reports its count of the meta group; the leader its peers too.
      ...(s.jetstream ? { metaLeader: META_LEADER, metaClusterSize: jetstream.length } : {}),
      ...(s.name === META_LEADER
        ? {
            metaPeers: jetstream
              .filter((p) => p.name !== s.name)
              .map((p) => ({ name: p.name, current: up(p.datacenter), offline: !up(p.datacenter), peer: `P-${p.name}` })),
          }
        : {}),
    }),
  );
  // every server dials one gateway server of each other cluster
  for (const from of live) {
    for (const target of from.outboundGateways) {
      const gw = live.find((x) => x.cluster === target && (target === 'xr-js' || x.name.includes('-gw-')))!;
      gw.inboundGateways[from.cluster] = (gw.inboundGateways[from.cluster] ?? 0) + 1;
    }
  }
  for (const s of live) s.routes = s.routePeers.length;
  return live;
}
