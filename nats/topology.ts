// The supercluster as data: cluster names + options -> NATS clusters and servers.
// Pure: no I/O, no addresses. Providers decide where servers live (see addressing.ts).
import { TopologyError } from './errors.js';

export type Role = 'seed' | 'js' | 'gw' | 'xr';

export const ROLES: readonly Role[] = ['seed', 'js', 'gw', 'xr'];

/** Name of the stretched JetStream cluster that spans every datacenter. */
export const STRETCHED_CLUSTER = 'xr-js';

export interface TopologyOptions {
  /** Servers per role per datacenter. */
  replicas: Record<Role, number>;
}

const DEFAULT_REPLICAS: Readonly<Record<Role, number>> = { seed: 3, js: 3, gw: 3, xr: 3 };

export function defaultOptions(): TopologyOptions {
  return { replicas: { ...DEFAULT_REPLICAS } };
}

/** Replica counts from layers of settings, first layer that sets a role wins, then the defaults. */
export function resolveReplicas(...layers: (Partial<Record<Role, number>> | undefined)[]): Record<Role, number> {
  const r = {} as Record<Role, number>;
  for (const role of ROLES) r[role] = layers.map((l) => l?.[role]).find((n) => n !== undefined) ?? DEFAULT_REPLICAS[role];
  return r;
}

/** What a sandbox saved when it was made: its cluster names, servers per role, its edge sites. */
export interface SavedTopology {
  names: readonly string[];
  replicas: Partial<Record<Role, number>>;
  edges?: readonly EdgeName[];
}

/** An edge site as the command line names it: `e1@c1` is edge site e1 on hub region c1, `e1@c1:3` with 3 servers. */
export interface EdgeName {
  name: string;
  hub: string;
  /** Its servers: 1 (the default) or 3, a leaf cluster whose streams keep a majority with one down. */
  servers?: number;
}

/** An edge site as a command line names it again: e1@c1, e1@c1:3. */
export function edgeArg(e: EdgeName): string {
  return `${e.name}@${e.hub}${e.servers && e.servers > 1 ? `:${e.servers}` : ''}`;
}

/** How many servers an edge site may have: one, or a cluster that survives losing one. */
export const EDGE_SIZES: readonly number[] = [1, 3];

/** JetStream domain of the supercluster once it has edge sites (each edge site's is its name). */
export const HUB_DOMAIN = 'hub';

/**
 * A small leaf cluster hanging off a hub region through leafnode connections, with its own
 * JetStream domain (its name), so its meta group stays its own and it keeps working cut off.
 */
export interface EdgeSite {
  name: string;
  hub: string;
  /** The region its leafnode remote tries after the hub's servers (none with a single region). */
  fallback?: string;
  domain: string;
  /** Its servers, e.g. e1-leaf-nats-0 (one: no routes; three: a NATS cluster named after the site). */
  servers: string[];
}

export interface TopologyInput {
  /** Cluster names on the command line; none: the saved ones. */
  names: readonly string[];
  /** --replicas: a flag changes the sandbox. */
  flags?: Partial<Record<Role, number>>;
  /** What the sandbox was made with: it keeps that unless a flag says otherwise. */
  saved?: SavedTopology | undefined;
  /** Edge sites named with the names (`e1@c1`); with no names given, the saved ones. */
  edges?: readonly EdgeName[];
  /** SEED_REPLICAS... from .env or the environment: how a new sandbox is made. */
  env?: Partial<Record<Role, number>>;
}

/**
 * The one way from a command to its topology: names given, else the saved ones; servers per role
 * from flags, then what the sandbox saved, then the environment, then the defaults.
 */
export function resolveTopology(input: TopologyInput): Topology {
  const names = input.names.length ? input.names : (input.saved?.names ?? []);
  if (!names.length) throw new TopologyError('no cluster names given and no sandbox that saved any; name them, e.g. c1 c2 c3');
  const edges = input.names.length ? (input.edges ?? []) : (input.saved?.edges ?? []);
  return buildTopology(names, { replicas: resolveReplicas(input.flags, input.saved?.replicas, input.env) }, edges);
}

export interface ServerSpec {
  /** server_name, e.g. c1-js-nats-0 */
  name: string;
  /** The Kubernetes cluster ("datacenter") the server lives in. */
  datacenter: string;
  /** NATS cluster name: the datacenter for regional servers, xr-js for stretched ones. */
  cluster: string;
  role: Role;
  /** Helm release that owns the server: c1, c1-js, c1-gw, xr-js. */
  release: string;
  /** Ordinal inside its release (the StatefulSet pod index). */
  index: number;
  jetstream: boolean;
  tags: string[];
}

export interface ClusterSpec {
  name: string;
  kind: 'regional' | 'stretched';
  /** Server names, in model order. */
  servers: string[];
  /** Servers that accept gateway connections from other NATS clusters. */
  gatewayServers: string[];
  jetstreamServers: string[];
  /** JetStream unique_tag for replica placement, when the cluster wants it. */
  uniqueTag?: string;
}

export interface ReleaseSpec {
  /** Helm release name, unique inside a datacenter. */
  name: string;
  datacenter: string;
  role: Role;
  cluster: string;
  servers: string[];
}

export interface AccountSpec {
  name: string;
  system: boolean;
  jetstream: boolean;
}

export interface Topology {
  names: string[];
  options: TopologyOptions;
  servers: ServerSpec[];
  clusters: ClusterSpec[];
  releases: ReleaseSpec[];
  accounts: AccountSpec[];
  /** Edge sites on leafnodes, beside the supercluster (not members of it). */
  edges: EdgeSite[];
}

export const SYSTEM_ACCOUNT = 'SYS';
export const APP_ACCOUNT = 'APP';

/** Helm release name of a role in a datacenter (the seed's naming). */
export function releaseName(datacenter: string, role: Role): string {
  switch (role) {
    case 'seed':
      return datacenter;
    case 'js':
      return `${datacenter}-js`;
    case 'gw':
      return `${datacenter}-gw`;
    case 'xr':
      return STRETCHED_CLUSTER;
  }
}

/** server_name: the release's pod name, prefixed with the datacenter for xr-js. */
function serverName(datacenter: string, role: Role, index: number): string {
  const release = releaseName(datacenter, role);
  return role === 'xr' ? `${datacenter}-${release}-nats-${index}` : `${release}-nats-${index}`;
}

function serverTags(datacenter: string, role: Role): string[] {
  if (role === 'js') return [`dc:${datacenter}`, `az:${datacenter}`];
  if (role === 'xr') return ['dc:xr', `az:${datacenter}`];
  return [];
}

export { TopologyError } from './errors.js';

export function buildTopology(
  names: readonly string[],
  options: TopologyOptions = defaultOptions(),
  edgeNames: readonly EdgeName[] = [],
): Topology {
  if (names.length === 0) throw new TopologyError('a topology needs at least one cluster name');
  for (const role of ROLES) {
    const n = options.replicas[role];
    if (!Number.isInteger(n) || n < 1) throw new TopologyError(`replicas for ${role} must be a whole number >= 1, got ${n}`);
  }
  const servers: ServerSpec[] = [];
  const releases: ReleaseSpec[] = [];
  for (const dc of names) {
    for (const role of ROLES) {
      const release = releaseName(dc, role);
      const cluster = role === 'xr' ? STRETCHED_CLUSTER : dc;
      const members: string[] = [];
      for (let i = 0; i < options.replicas[role]; i++) {
        const name = serverName(dc, role, i);
        members.push(name);
        servers.push({
          name,
          datacenter: dc,
          cluster,
          role,
          release,
          index: i,
          jetstream: role === 'js' || role === 'xr',
          tags: serverTags(dc, role),
        });
      }
      releases.push({ name: release, datacenter: dc, role, cluster, servers: members });
    }
  }
  const seen = new Map<string, string>();
  for (const s of servers) {
    const other = seen.get(s.name);
    if (other !== undefined)
      throw new TopologyError(`cluster names ${other} and ${s.datacenter} both make a server called ${s.name}; rename one of them`);
    seen.set(s.name, s.datacenter);
  }
  const clusterOf = (name: string, kind: ClusterSpec['kind']): ClusterSpec => {
    const members = servers.filter((s) => s.cluster === name);
    return {
      name,
      kind,
      servers: members.map((s) => s.name),
      // Regional clusters are reached only through their gw servers (the ingress lands there);
      // every stretched server is its own gateway endpoint.
      gatewayServers: members.filter((s) => kind === 'stretched' || s.role === 'gw').map((s) => s.name),
      jetstreamServers: members.filter((s) => s.jetstream).map((s) => s.name),
      // nats-server applies the unique_tag of whichever server is the (supercluster-wide) meta
      // leader, so every JetStream server carries it: xr-js R3 streams then always land one
      // replica per datacenter, and regional streams opt out by naming their az:cN tag.
      ...(members.some((s) => s.jetstream) ? { uniqueTag: 'az' } : {}),
    };
  };
  const clusters = [...names.map((n) => clusterOf(n, 'regional')), clusterOf(STRETCHED_CLUSTER, 'stretched')];
  // nats-server will not run clustered JetStream on a server with no route to a peer.
  const lone = clusters.find((c) => c.servers.length === 1 && c.jetstreamServers.length === 1);
  if (lone)
    throw new TopologyError(
      `the NATS cluster ${lone.name} would have a single JetStream server, which nats-server refuses; use more ${lone.kind === 'stretched' ? 'xr replicas or cluster names' : 'replicas'}`,
    );
  return {
    names: [...names],
    options: { replicas: { ...options.replicas } },
    servers,
    clusters,
    releases,
    accounts: [
      { name: SYSTEM_ACCOUNT, system: true, jetstream: false },
      { name: APP_ACCOUNT, system: false, jetstream: true },
    ],
    edges: edgeSites(names, edgeNames, new Set(servers.map((s) => s.name))),
  };
}

/** The name an edge site was made from, as a sandbox saves it. */
export function edgeNameOf(edge: EdgeSite): EdgeName {
  return { name: edge.name, hub: edge.hub, ...(edge.servers.length > 1 ? { servers: edge.servers.length } : {}) };
}

/** Name of edge site `edge`'s server `index`. */
export function edgeServerName(edge: string, index: number): string {
  return `${edge}-leaf-nats-${index}`;
}

function edgeSites(names: readonly string[], edgeNames: readonly EdgeName[], taken: Set<string>): EdgeSite[] {
  const seen = new Set<string>();
  return edgeNames.map((e) => {
    if (!names.includes(e.hub))
      throw new TopologyError(`edge site ${e.name}@${e.hub}: its hub must be one of the regions (${names.join(', ')})`);
    if (names.includes(e.name)) throw new TopologyError(`edge site ${e.name} has the name of a region`);
    if (e.name === HUB_DOMAIN) throw new TopologyError(`edge site ${e.name}: '${HUB_DOMAIN}' is the supercluster's JetStream domain`);
    if (seen.has(e.name)) throw new TopologyError(`edge site ${e.name} is named twice`);
    seen.add(e.name);
    const size = e.servers ?? 1;
    if (!EDGE_SIZES.includes(size)) throw new TopologyError(`edge site ${e.name} has ${size} servers; an edge site has 1 or 3`);
    const servers = Array.from({ length: size }, (_, i) => edgeServerName(e.name, i));
    const clash = servers.find((s) => taken.has(s));
    if (clash) throw new TopologyError(`edge site ${e.name} makes a server called ${clash}, which a region has; rename it`);
    // The next region in the list, so the edges of one hub spread their fallback nowhere in particular.
    const i = names.indexOf(e.hub);
    const fallback = names.length > 1 ? names[(i + 1) % names.length] : undefined;
    return { name: e.name, hub: e.hub, ...(fallback ? { fallback } : {}), domain: e.name, servers };
  });
}

export function serverByName(topo: Topology, name: string): ServerSpec {
  const s = topo.servers.find((x) => x.name === name);
  if (!s) throw new Error(`no server ${name} in the topology`);
  return s;
}

export function clusterByName(topo: Topology, name: string): ClusterSpec {
  const c = topo.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no NATS cluster ${name} in the topology`);
  return c;
}

/** Servers a given server routes to: every other member of its NATS cluster. */
export function routePeers(topo: Topology, server: ServerSpec): ServerSpec[] {
  return topo.servers.filter((s) => s.cluster === server.cluster && s.name !== server.name);
}

/**
 * Gateway servers of `target` that a server in `from`'s datacenter dials. A regional cluster is
 * reached through its gw servers; the stretched cluster through its members in the same datacenter
 * (in Kubernetes: the in-cluster xr-js service), falling back to all of them.
 */
export function gatewayTargets(topo: Topology, from: ServerSpec, target: ClusterSpec): ServerSpec[] {
  const candidates = target.gatewayServers.map((n) => serverByName(topo, n));
  if (target.kind === 'stretched') {
    const local = candidates.filter((s) => s.datacenter === from.datacenter);
    if (local.length > 0) return local;
  }
  return candidates;
}
