// What the topology page draws, derived from one observation: regions with their clusters and
// servers by role and health, the stretched cluster, the gateway mesh, JetStream, services and the
// verdict. Pure: the page, the SVG export and the unit tests all start from this.
import { expectedTopology } from '../nats/expected.js';
import type { KvView, Observation } from '../nats/observation.js';
import { headline } from '../nats/report.js';
import { type Role, STRETCHED_CLUSTER } from '../nats/topology.js';

export type Health = 'up' | 'degraded' | 'down';
/** How a role is labelled on the page: the stretched servers are the xr-js ones. */
type RoleLabel = 'seed' | 'js' | 'gw' | 'xr-js' | 'leaf';

export interface ServerView {
  name: string;
  role: RoleLabel;
  cluster: string;
  datacenter: string;
  health: Health;
  /** The problems that name this server, why it is not up. */
  why: string[];
  metaLeader: boolean;
  version?: string;
}

interface RouteHealth {
  present: number;
  expected: number;
}

interface ClusterView {
  name: string;
  kind: 'regional' | 'stretched';
  health: Health;
  routes: RouteHealth;
  servers: ServerView[];
}

interface RegionServices {
  instances: number;
  requests: number;
  errors: number;
  /** Distinct service names answering in the region. */
  names: string[];
}

/** An edge site, drawn beside its hub region. */
export interface EdgeSiteView {
  name: string;
  domain: string;
  /** Up: connected; degraded: cut off (it goes on locally); down: its servers do not answer. */
  health: Health;
  servers: ServerView[];
  /** The servers its leafnodes are connected to. */
  connectedTo: string[];
  /** Connected, but to its fallback region rather than its hub. */
  onFallback: boolean;
  /** The math services it runs for its own requests. */
  services: RegionServices;
}

interface RegionView {
  name: string;
  health: Health;
  /** Edge sites whose hub this region is. */
  edges: EdgeSiteView[];
  /** The region's own NATS cluster. */
  cluster: ClusterView;
  /** This region's share of the stretched cluster. */
  stretched: ServerView[];
  services: RegionServices;
}

type LinkState = 'up' | 'partial' | 'down';

/** Both directions of the gateway connections between two NATS clusters. */
interface GatewayLink {
  a: string;
  b: string;
  state: LinkState;
}

interface StreamRow {
  name: string;
  cluster?: string;
  tags: string[];
  replicas: number;
  leader?: string;
  /** Followers with how far behind they are; offline ones flagged. */
  followers: { name: string; lag: number; current: boolean; offline: boolean }[];
  messages: number;
  consumers: { name: string; pending: number; ackPending: number }[];
}

export interface TopologyView {
  at: string;
  ok: boolean;
  /** The verdict line status prints (first line). */
  verdict: string;
  /** One line per cause, as status prints them, with the findings behind each. */
  problems: { summary: string; details: string[] }[];
  servers: { up: number; total: number };
  regions: RegionView[];
  stretched: ClusterView;
  gateways: GatewayLink[];
  /** Route state between the stretched cluster's shares of two regions. */
  stretchedRoutes: GatewayLink[];
  jetstream: { metaLeader?: string; observed: boolean; streams: StreamRow[]; kv: KvView[] };
  /** The WAN layer's line (delays in force, cut links), when the sandbox has one. */
  wan?: string;
}

const ROLE_LABEL: Record<Role, RoleLabel> = { seed: 'seed', js: 'js', gw: 'gw', xr: 'xr-js' };

/** A group is down only when all of it is; partly down is degraded. */
function partly(hs: Health[]): Health {
  if (hs.length && hs.every((h) => h === 'down')) return 'down';
  return hs.some((h) => h !== 'up') ? 'degraded' : 'up';
}

export function viewModel(o: Observation): TopologyView {
  const expected = expectedTopology(o.topology);
  const liveByName = new Map(o.live.map((s) => [s.name, s]));
  const metaLeader = o.verdict.metaLeader;
  // A server is degraded by findings about itself, not by peers or clusters that are down.
  const wholeClusterDown = new Set(o.topology.clusters.filter((c) => c.servers.every((n) => !liveByName.has(n))).map((c) => c.name));
  const isDown = (name: string) => wholeClusterDown.has(name) || (o.topology.servers.some((s) => s.name === name) && !liveByName.has(name));
  const findingsAbout = (server: string) =>
    o.verdict.findings
      .filter((f) => f.subject === server || (!f.subject && f.involves.includes(server)))
      .filter((f) => !(f.involves.length && f.involves.every(isDown)))
      .map((f) => f.text);

  const servers = new Map(
    o.topology.servers.map((spec): [string, ServerView] => {
      const live = liveByName.get(spec.name);
      const why = findingsAbout(spec.name);
      return [
        spec.name,
        {
          name: spec.name,
          role: ROLE_LABEL[spec.role],
          cluster: spec.cluster,
          datacenter: spec.datacenter,
          health: !live ? 'down' : why.length ? 'degraded' : 'up',
          why: live ? why : ['did not answer'],
          metaLeader: spec.name === metaLeader,
          ...(live ? { version: live.version } : {}),
        },
      ];
    }),
  );

  const routes = (cluster: string): RouteHealth => {
    const members = expected.servers.filter((s) => s.cluster === cluster);
    return {
      expected: members.reduce((n, s) => n + s.routePeers.length, 0),
      present: members.reduce((n, s) => {
        const got = new Set(liveByName.get(s.name)?.routePeers ?? []);
        return n + s.routePeers.filter((p) => got.has(p)).length;
      }, 0),
    };
  };

  const clusterView = (name: string): ClusterView => {
    const spec = o.topology.clusters.find((c) => c.name === name);
    const members = (spec?.servers ?? []).map((n) => servers.get(n)!);
    const r = routes(name);
    return {
      name,
      kind: spec?.kind ?? 'regional',
      // Missing routes matter only while some member answers.
      health:
        partly(members.map((m) => m.health)) === 'down'
          ? 'down'
          : partly([...members.map((m) => m.health), r.present < r.expected ? 'degraded' : 'up']),
      routes: r,
      servers: members,
    };
  };

  const stretched = clusterView(STRETCHED_CLUSTER);
  const regions = o.topology.names.map((dc): RegionView => {
    const cluster = clusterView(dc);
    const share = stretched.servers.filter((s) => s.datacenter === dc);
    const all = [...cluster.servers, ...share];
    return {
      name: dc,
      health: partly(all.map((s) => s.health)),
      edges: edgeSites(o, dc),
      cluster,
      stretched: share,
      services: servicesOf(o, dc),
    };
  });

  return {
    at: o.at,
    ok: o.ok,
    verdict: verdictText(o),
    problems: o.causes.map((c) => ({ summary: c.summary, details: c.details })),
    servers: { up: o.topology.servers.filter((s) => liveByName.has(s.name)).length, total: o.topology.servers.length },
    regions,
    stretched,
    gateways: gatewayLinks(o),
    stretchedRoutes: stretchedRoutes(o),
    ...wanLine(o),
    jetstream: {
      ...(metaLeader ? { metaLeader } : {}),
      observed: o.jetstream !== undefined,
      streams: (o.jetstream?.streams ?? []).map((s) => ({
        name: s.name,
        ...(s.cluster ? { cluster: s.cluster } : {}),
        tags: s.placementTags,
        replicas: s.replicas,
        ...(s.leader ? { leader: s.leader } : {}),
        followers: s.followers.map((f) => ({ name: f.name, lag: f.lag, current: f.current, offline: f.offline })),
        messages: s.messages,
        consumers: s.consumers.map((c) => ({ name: c.name, pending: c.pending, ackPending: c.ackPending })),
      })),
      kv: o.jetstream?.kv ?? [],
    },
  };
}

/** The services found answering in a region or an edge site. */
function servicesOf(o: Observation, region: string): RegionServices {
  const found = (o.services ?? []).filter((s) => s.region === region);
  return {
    instances: found.length,
    requests: found.reduce((n, s) => n + (s.requests ?? 0), 0),
    errors: found.reduce((n, s) => n + (s.errors ?? 0), 0),
    names: [...new Set(found.map((s) => s.name))].sort(),
  };
}

/** The edge sites of hub `dc` from what their servers said (all down when nothing was asked). */
function edgeSites(o: Observation, dc: string): EdgeSiteView[] {
  const regionOf = new Map(o.topology.servers.map((s) => [s.name, s.datacenter]));
  return o.topology.edges
    .filter((e) => e.hub === dc)
    .map((e): EdgeSiteView => {
      const views = e.servers.map((n) => o.edges?.find((x) => x.name === n) ?? { name: n, answered: false, leafs: [] });
      const servers = views.map(
        (v): ServerView => ({
          name: v.name,
          role: 'leaf',
          cluster: e.name,
          datacenter: e.name,
          health: !v.answered ? 'down' : v.leafs.length ? 'up' : 'degraded',
          why: !v.answered ? ['did not answer'] : v.leafs.length ? [] : ['no leafnode connection: cut off, storing locally'],
          metaLeader: false,
        }),
      );
      const connectedTo = views.flatMap((v) => v.leafs.map((l) => l.server));
      return {
        name: e.name,
        domain: e.domain,
        health: partly(servers.map((s) => s.health)),
        servers,
        connectedTo,
        onFallback: connectedTo.length > 0 && connectedTo.every((n) => regionOf.get(n) !== e.hub),
        services: servicesOf(o, e.name),
      };
    });
}

function wanLine(o: Observation): { wan?: string } {
  const line = o.sections.find((s) => s.name === 'wan')?.text[0];
  return line ? { wan: line } : {};
}

/** The first line of what status prints (its headline), without the colon before the causes. */
function verdictText(o: Observation): string {
  return headline(o).split('\n')[0]!.replace(/:$/, '');
}

/**
 * Gateway state per pair of NATS clusters: up when every answering server on each side has its
 * outbound gateway to the other, down when a side has no answering server or no such gateway.
 */
export function gatewayLinks(o: Observation): GatewayLink[] {
  const clusters = o.topology.clusters.map((c) => c.name);
  const direction = (from: string, to: string): 'all' | 'some' | 'none' => {
    const members = o.live.filter((s) => s.cluster === from);
    const dialing = members.filter((s) => s.outboundGateways.includes(to)).length;
    if (!members.length || dialing === 0) return 'none';
    return dialing === members.length ? 'all' : 'some';
  };
  const links: GatewayLink[] = [];
  for (const [i, a] of clusters.entries()) {
    for (const b of clusters.slice(i + 1)) {
      const ways = [direction(a, b), direction(b, a)];
      const state: LinkState = ways.includes('none') ? 'down' : ways.every((w) => w === 'all') ? 'up' : 'partial';
      links.push({ a, b, state });
    }
  }
  return links;
}

/**
 * Route state between the stretched cluster's servers in each pair of regions: up when every
 * answering server on each side routes to every server on the other, down when a side is gone.
 */
export function stretchedRoutes(o: Observation): GatewayLink[] {
  const live = new Map(o.live.map((s) => [s.name, s]));
  const share = (dc: string) => o.topology.servers.filter((s) => s.cluster === STRETCHED_CLUSTER && s.datacenter === dc).map((s) => s.name);
  const links: GatewayLink[] = [];
  for (const [i, a] of o.topology.names.entries()) {
    for (const b of o.topology.names.slice(i + 1)) {
      const [sa, sb] = [share(a), share(b)];
      const upA = sa.filter((n) => live.has(n));
      const upB = sb.filter((n) => live.has(n));
      const complete = (from: string[], to: string[]) => from.every((n) => to.every((p) => live.get(n)!.routePeers.includes(p)));
      const state: LinkState = !upA.length || !upB.length ? 'down' : complete(upA, sb) && complete(upB, sa) ? 'up' : 'partial';
      links.push({ a, b, state });
    }
  }
  return links;
}
