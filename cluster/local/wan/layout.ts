// Where the WAN layer sits: which connections cross it and on which ports. Pure.
//
// NATS gossips the addresses servers advertise, so a link in the middle of a connection holds
// only if every address another server can learn leads through it. With the layer on:
//   - every server of cluster X advertises (and every gateway block lists) one address for X's
//     gateways, the link `gateway:X`: a regional cluster's ingress (it lands on X's gw servers,
//     as haproxy does on Kubernetes), or xr-js's, which lands on the stretched cluster's servers
//     in the dialer's own datacenter (the in-cluster service on Kubernetes);
//   - every xr-js server advertises, and its peers dial, the link `route:<server>` for its routes;
//   - every hub listener advertises, and an edge site's leafnode dials, the link
//     `leafnode:<server>` (hubs gossip their leafnode URLs to the leaf servers).
// Routes inside a regional cluster stay direct: they never leave the datacenter. The router
// learns which region dialed from the dialing process (peer.ts) and delays each direction by
// half the pair's round trip.
import { join } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { Addressing } from '../../../nats/addressing.js';
import { leafnodeListeners } from '../../../nats/edges.js';
import { clusterByName, type ServerSpec, STRETCHED_CLUSTER, type Topology } from '../../../nats/topology.js';
import { leafnodeKey, type PortMap } from '../ports.js';
import type { WanSites } from './spec.js';

const LOOPBACK = '127.0.0.1';

export interface Backend {
  server: string;
  datacenter: string;
  port: number;
}

export interface Listener {
  /** gateway:<cluster>, route:<server> or leafnode:<server>. */
  name: string;
  port: number;
  backends: Backend[];
  /** same-datacenter: the dialer's own datacenter first (xr-js's gateways), else any, at random. */
  prefer: 'same-datacenter' | 'any';
}

/** What the router process reads at start (router.json); a change restarts it. */
export interface RouterConfig {
  listeners: Listener[];
  /** Every server's datacenter, to tell which region a dialing server is in. */
  datacenters: Record<string, string>;
  /** Folder of the servers' process folders (<dir>/<name>/pid). */
  serversDir: string;
  /** The delays and cuts in force (control.ts writes, the router reads on SIGHUP). */
  linksFile: string;
  /** The router writes the generation it applied here. */
  appliedFile: string;
}

export const gatewayLink = (cluster: string) => `gateway:${cluster}`;
export const routeLink = (server: string) => `route:${server}`;
export const leafnodeLink = (server: string) => `leafnode:${server}`;

/** The sites the WAN layer links for a topology: its regions and its edge sites. */
export function wanSites(topo: Topology): WanSites {
  return { regions: topo.names, edges: topo.edges.map((e) => e.name) };
}

const crossesWan = (s: ServerSpec) => s.cluster === STRETCHED_CLUSTER;

/** Names of the links a topology needs, in a stable order. */
export function linkNames(topo: Topology): string[] {
  return [
    ...topo.clusters.map((c) => gatewayLink(c.name)),
    ...topo.servers.filter(crossesWan).map((s) => routeLink(s.name)),
    ...leafnodeListeners(topo).map((s) => leafnodeLink(s.name)),
  ];
}

/** The port an edge site's leafnode dials for hub listener `server`: its link with the layer on, else the listener itself. */
export function leafnodeDialPort(server: string, ports: PortMap, links?: Record<string, number>): number {
  const port = links ? links[leafnodeLink(server)] : ports[leafnodeKey(server)]?.client;
  if (port === undefined) throw new Error(`no ${links ? 'link' : 'leafnode port'} planned for ${server}`);
  return port;
}

/**
 * Ports of the links: downward from base - 2 (base - 1 is the private MySQL's default), so they
 * never meet the servers' slots, which grow upward from the base. A link keeps the port an earlier
 * run gave it while that port is still in its place.
 */
export function assignLinkPorts(names: readonly string[], base: number, previous: Record<string, number> = {}): Record<string, number> {
  const plan: Record<string, number> = {};
  const used = new Set<number>();
  for (const n of names) {
    const p = previous[n];
    if (p !== undefined && p < base - 1 && p >= 1024 && !used.has(p)) {
      plan[n] = p;
      used.add(p);
    }
  }
  let next = base - 2;
  for (const n of names) {
    if (plan[n] !== undefined) continue;
    while (used.has(next)) next--;
    if (next < 1024)
      throw new UsageError(`the WAN links need ${names.length} ports below the port base ${base}; set LOCAL_PORT_BASE higher`);
    plan[n] = next;
    used.add(next);
  }
  return plan;
}

/** The servers' addressing with the cross-region links in the middle. */
export function linkedAddressing(direct: Addressing, links: Record<string, number>): Addressing {
  const port = (name: string) => {
    const p = links[name];
    if (p === undefined) throw new Error(`no port planned for link ${name}`);
    return p;
  };
  const gateway = (s: ServerSpec) => `${LOOPBACK}:${port(gatewayLink(s.cluster))}`;
  return {
    ...direct,
    routeUrl: (s) => (crossesWan(s) ? `nats://${LOOPBACK}:${port(routeLink(s.name))}` : direct.routeUrl(s)),
    routeAdvertise: (s) => (crossesWan(s) ? `${LOOPBACK}:${port(routeLink(s.name))}` : direct.routeAdvertise?.(s)),
    gatewayUrl: (s) => `nats://${gateway(s)}`,
    gatewayAdvertise: gateway,
  };
}

export interface WanFiles {
  /** The router's process folder (reconciler group `wan`, process `router`). */
  groupRoot: string;
  dir: string;
  config: string;
  links: string;
  applied: string;
}

export function wanFiles(sandboxDir: string): WanFiles {
  const groupRoot = join(sandboxDir, 'local', 'wan');
  const dir = join(groupRoot, 'router');
  return { groupRoot, dir, config: join(dir, 'router.json'), links: join(dir, 'links.json'), applied: join(dir, 'applied.json') };
}

export function routerConfig(
  topo: Topology,
  ports: PortMap,
  links: Record<string, number>,
  sandboxDir: string,
  serversDir: string,
): RouterConfig {
  const backend = (s: ServerSpec, which: 'gateway' | 'cluster'): Backend => ({
    server: s.name,
    datacenter: s.datacenter,
    port: ports[s.name]![which],
  });
  const files = wanFiles(sandboxDir);
  const listeners: Listener[] = [
    ...topo.clusters.map((c) => ({
      name: gatewayLink(c.name),
      port: links[gatewayLink(c.name)]!,
      backends: c.gatewayServers.map((n) => backend(topo.servers.find((s) => s.name === n)!, 'gateway')),
      prefer: (c.kind === 'stretched' ? 'same-datacenter' : 'any') as Listener['prefer'],
    })),
    ...topo.servers.filter(crossesWan).map((s) => ({
      name: routeLink(s.name),
      port: links[routeLink(s.name)]!,
      backends: [backend(s, 'cluster')],
      prefer: 'any' as const,
    })),
    ...leafnodeListeners(topo).map((s) => ({
      name: leafnodeLink(s.name),
      port: links[leafnodeLink(s.name)]!,
      backends: [{ server: s.name, datacenter: s.datacenter, port: ports[leafnodeKey(s.name)]!.client }],
      prefer: 'any' as const,
    })),
  ];
  clusterByName(topo, STRETCHED_CLUSTER); // the layout assumes the stretched cluster exists
  return {
    listeners,
    // An edge site's servers are in a datacenter of their own: the edge's name.
    datacenters: Object.fromEntries([
      ...topo.servers.map((s) => [s.name, s.datacenter]),
      ...topo.edges.flatMap((e) => e.servers.map((n) => [n, e.name])),
    ]),
    serversDir,
    linksFile: files.links,
    appliedFile: files.applied,
  };
}
