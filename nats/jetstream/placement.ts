// Placement facts that need the topology. Pure.
// nats-server applies the unique_tag of the *meta leader* when it picks a stream's peers; every
// JetStream server carries unique_tag az (see nats/topology.ts), so xr-js streams land one replica
// per datacenter whoever leads. The check below proves it on the live placement.

import type { NamedPlacement } from '../live/jetstream-apply.js';
import type { Topology } from '../topology.js';
import type { JetStreamSpec } from './spec.js';

/** The stretched cluster the spec places streams on, if any: its replicas must span datacenters. */
export function uniqueTagCluster(topo: Topology, spec: JetStreamSpec): string | undefined {
  const wanted = new Set([...spec.streams.map((s) => s.placement.cluster), ...spec.kv.map((k) => k.placement.cluster)]);
  return topo.clusters.find((c) => c.kind === 'stretched' && wanted.has(c.name))?.name;
}

export function clusterOfServer(topo: Topology, server: string): string | undefined {
  return topo.servers.find((s) => s.name === server)?.cluster;
}

/** Streams on the stretched cluster with two replicas in one datacenter. */
export function placementProblems(topo: Topology, placements: Pick<NamedPlacement, 'name' | 'cluster' | 'servers'>[]): string[] {
  const problems: string[] = [];
  for (const p of placements) {
    const cluster = topo.clusters.find((c) => c.name === p.cluster);
    if (cluster?.kind !== 'stretched') continue;
    const dcs = p.servers.map((n) => topo.servers.find((s) => s.name === n)?.datacenter ?? n);
    if (new Set(dcs).size !== dcs.length) problems.push(`stream ${p.name} has two replicas in one datacenter (${p.servers.join(', ')})`);
  }
  return problems;
}
