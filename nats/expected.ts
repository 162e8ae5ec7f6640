// What a healthy supercluster looks like, derived from the model. `status` compares the live
// system against this; it never reads the model's answer back as an observation.
import type { Topology } from './topology.js';
import { routePeers } from './topology.js';

export interface ExpectedServer {
  name: string;
  cluster: string;
  jetstream: boolean;
  tags: string[];
  routePeers: string[];
  outboundGateways: string[];
}

export interface ExpectedCluster {
  name: string;
  nodes: number;
  /** One outbound connection from every member to every other NATS cluster. */
  outgoingGateways: number;
  /** One inbound connection from every server of every other NATS cluster. */
  incomingGateways: number;
  jetstreamServers: number;
}

export interface ExpectedTopology {
  servers: ExpectedServer[];
  clusters: ExpectedCluster[];
  /** Peers of the supercluster-wide JetStream meta group. */
  jetstreamServers: number;
}

export function expectedTopology(topo: Topology): ExpectedTopology {
  const total = topo.servers.length;
  const clusterNames = topo.clusters.map((c) => c.name);
  return {
    servers: topo.servers.map((s) => ({
      name: s.name,
      cluster: s.cluster,
      jetstream: s.jetstream,
      tags: [...s.tags].sort(),
      routePeers: routePeers(topo, s)
        .map((p) => p.name)
        .sort(),
      outboundGateways: clusterNames.filter((c) => c !== s.cluster).sort(),
    })),
    clusters: topo.clusters.map((c) => ({
      name: c.name,
      nodes: c.servers.length,
      outgoingGateways: c.servers.length * (topo.clusters.length - 1),
      incomingGateways: total - c.servers.length,
      jetstreamServers: c.jetstreamServers.length,
    })),
    jetstreamServers: topo.servers.filter((s) => s.jetstream).length,
  };
}
