// Placement facts that need the topology. Pure.
// nats-server (2.9 and later) applies the unique_tag of the *meta leader* when it picks a stream's
// peers; only xr-js servers carry unique_tag az, so the meta leader must sit in xr-js while
// stage 07 creates or scales xr-js streams, or two replicas can land in one datacenter.
import type { Topology } from '../topology.js';
import type { StreamPlacement } from './apply.js';
import type { JetStreamSpec } from './spec.js';

/** The cluster whose unique_tag the spec relies on, if any. */
export function uniqueTagCluster(topo: Topology, spec: JetStreamSpec): string | undefined {
  const wanted = new Set([...spec.streams.map((s) => s.placement.cluster), ...spec.kv.map((k) => k.placement.cluster)]);
  return topo.clusters.find((c) => c.uniqueTag && wanted.has(c.name))?.name;
}

export function clusterOfServer(topo: Topology, server: string): string | undefined {
  return topo.servers.find((s) => s.name === server)?.cluster;
}

/** Streams on a unique_tag cluster with two replicas in one datacenter. */
export function placementProblems(topo: Topology, placements: StreamPlacement[]): string[] {
  const problems: string[] = [];
  for (const p of placements) {
    const cluster = topo.clusters.find((c) => c.name === p.cluster);
    if (!cluster?.uniqueTag) continue;
    const dcs = p.servers.map((n) => topo.servers.find((s) => s.name === n)?.datacenter ?? n);
    if (new Set(dcs).size !== dcs.length) problems.push(`stream ${p.name} has two replicas in one datacenter (${p.servers.join(', ')})`);
  }
  return problems;
}
