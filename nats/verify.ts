// Compare what the live system reports with the expected topology. Pure.
import type { ExpectedTopology } from './expected.js';

/** One server as observed through the system account (VARZ, ROUTEZ, GATEWAYZ, JSZ). */
export interface LiveServer {
  name: string;
  id: string;
  cluster: string;
  version: string;
  jetstream: boolean;
  tags: string[];
  connections: number;
  /** Route connections (counts pooled routes as the server does). */
  routes: number;
  /** Names of the distinct servers this one has a route to. */
  routePeers: string[];
  /** NATS clusters this server has an outbound gateway connection to. */
  outboundGateways: string[];
  /** Inbound gateway connections, per remote NATS cluster. */
  inboundGateways: Record<string, number>;
  memBytes: number;
  uptime: string;
  /**
   * What the server's own health check (/healthz: JetStream meta group, its streams and consumers
   * current) says is wrong; empty when healthy, absent when it was not asked.
   */
  health?: string[];
  /** Bytes in this server's JetStream file store, and its limit (JetStream servers only). */
  fileStore?: { used: number; max: number };
  /** JetStream meta leader as this server sees it (JetStream servers only). */
  metaLeader?: string;
  /** Size of the JetStream meta group as this server sees it (only the leader's view is reliable). */
  metaClusterSize?: number;
  /** The other meta group peers, as the meta leader reports them. */
  metaPeers?: { name: string; current: boolean; offline: boolean; peer?: string }[];
}

export interface ClusterRow {
  name: string;
  nodes: number;
  expectedNodes: number;
  outgoingGateways: number;
  expectedOutgoingGateways: number;
  incomingGateways: number;
  expectedIncomingGateways: number;
  connections: number;
  jetstreamServers: number;
}

/**
 * One difference from the expected topology, with the servers it is about: `subject` (the server
 * or cluster reporting it) and `involves` (the servers or clusters it names). diagnose.ts groups
 * findings by cause from these.
 */
export interface Finding {
  kind:
    | 'missing'
    | 'unexpected'
    | 'cluster'
    | 'jetstream-flag'
    | 'tags'
    | 'no-route'
    | 'no-gateway'
    | 'gateway-count'
    | 'meta'
    | 'health'
    | 'store-full';
  text: string;
  subject?: string;
  involves: string[];
}

export interface Verdict {
  ok: boolean;
  problems: string[];
  findings: Finding[];
  clusters: ClusterRow[];
  metaLeader?: string;
  /** Offline meta group peers that are no server of the topology (removed servers): safe to remove. */
  stalePeers: { name: string; peer: string }[];
  /**
   * JetStream servers that count the meta group wrong while its leader counts it right. A server
   * that starts (new, or recovering its state) sizes the group by the JetStream servers it sees
   * until it finds a leader, in a supercluster where some servers have no JetStream, and keeps that
   * size (server/jetstream_cluster.go, 2.14.2: "Adjusting JetStream expected peer set size"). Cut
   * off with enough peers, such a side elects a meta leader of its own. A step-down that elects a
   * leader counting right corrects them.
   */
  staleMetaSize: { name: string; size: number }[];
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A file store this full refuses what comes next (a message is small; the last few percent go fast). */
export const STORE_FULL_SHARE = 0.95;

function listOf(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** How to get room in a full JetStream file store. */
export const STORE_FULL_FIX = 'purge what is not needed (nats stream purge <stream>) or raise JS_MAX_FILE_MB and re-run stage 06';

/** A store's size as people read it: MiB below a GiB. */
export function storeSize(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function verify(expected: ExpectedTopology, live: LiveServer[]): Verdict {
  const findings: Finding[] = [];
  const add = (kind: Finding['kind'], text: string, involves: string[] = [], subject?: string) =>
    findings.push({ kind, text, involves, ...(subject ? { subject } : {}) });
  const byName = new Map(live.map((s) => [s.name, s]));
  const expectedNames = new Set(expected.servers.map((s) => s.name));

  const missing = expected.servers.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length) add('missing', `${missing.length} server(s) did not answer: ${listOf(missing)}`, missing);
  const unexpected = live.filter((s) => !expectedNames.has(s.name)).map((s) => s.name);
  if (unexpected.length)
    add('unexpected', `${unexpected.length} unexpected server(s) in the supercluster: ${listOf(unexpected)}`, unexpected);

  for (const want of expected.servers) {
    const got = byName.get(want.name);
    if (!got) continue;
    if (got.cluster !== want.cluster)
      add('cluster', `${want.name} is in NATS cluster '${got.cluster}', expected '${want.cluster}'`, [], want.name);
    if (got.jetstream !== want.jetstream)
      add(
        'jetstream-flag',
        `${want.name} has JetStream ${got.jetstream ? 'on' : 'off'}, expected ${want.jetstream ? 'on' : 'off'}`,
        [],
        want.name,
      );
    const tags = [...got.tags].sort();
    if (tags.join(',') !== want.tags.join(','))
      add('tags', `${want.name} has tags [${tags.join(', ')}], expected [${want.tags.join(', ')}]`, [], want.name);
    const peers = new Set(got.routePeers);
    const noRoute = want.routePeers.filter((p) => !peers.has(p));
    if (noRoute.length) add('no-route', `${want.name} has no route to ${listOf(noRoute)}`, noRoute, want.name);
    const gws = new Set(got.outboundGateways);
    const noGw = want.outboundGateways.filter((g) => !gws.has(g));
    if (noGw.length) add('no-gateway', `${want.name} has no outbound gateway to ${listOf(noGw)}`, noGw, want.name);
    if (got.fileStore && got.fileStore.used >= got.fileStore.max * STORE_FULL_SHARE) {
      add(
        'store-full',
        `${want.name}'s JetStream file store is full (${storeSize(got.fileStore.used)} of ${storeSize(got.fileStore.max)}): the streams on it refuse publishes; fix: ${STORE_FULL_FIX}`,
        [],
        want.name,
      );
    }
    if (got.health?.length) add('health', `${want.name} is not healthy (healthz): ${listOf(got.health, 3)}`, [], want.name);
  }

  const clusters: ClusterRow[] = expected.clusters.map((c) => {
    const members = live.filter((s) => s.cluster === c.name);
    const incoming = sum(members.map((s) => sum(Object.values(s.inboundGateways))));
    const outgoing = sum(members.map((s) => s.outboundGateways.length));
    if (members.length === c.nodes && missing.length === 0) {
      if (outgoing !== c.outgoingGateways)
        add('gateway-count', `cluster ${c.name} has ${outgoing} outgoing gateway connections, expected ${c.outgoingGateways}`, [], c.name);
      if (incoming !== c.incomingGateways)
        add('gateway-count', `cluster ${c.name} has ${incoming} incoming gateway connections, expected ${c.incomingGateways}`, [], c.name);
    }
    return {
      name: c.name,
      nodes: members.length,
      expectedNodes: c.nodes,
      outgoingGateways: outgoing,
      expectedOutgoingGateways: c.outgoingGateways,
      incomingGateways: incoming,
      expectedIncomingGateways: c.incomingGateways,
      connections: sum(members.map((s) => s.connections)),
      jetstreamServers: members.filter((s) => s.jetstream).length,
    };
  });

  const jsServers = live.filter((s) => s.jetstream && expectedNames.has(s.name));
  const leaders = [...new Set(jsServers.map((s) => s.metaLeader).filter((l): l is string => !!l))];
  let metaLeader: string | undefined;
  const stalePeers: { name: string; peer: string }[] = [];
  let staleMetaSize: { name: string; size: number }[] = [];
  if (expected.jetstreamServers > 0) {
    const leaderless = jsServers.filter((s) => !s.metaLeader).map((s) => s.name);
    if (leaders.length === 0) add('meta', 'JetStream has no meta leader');
    else if (leaders.length > 1) add('meta', `JetStream servers disagree on the meta leader: ${listOf(leaders)}`, leaders);
    else metaLeader = leaders[0];
    if (leaders.length > 0 && leaderless.length)
      add('meta', `${leaderless.length} JetStream server(s) see no meta leader: ${listOf(leaderless)}`, leaderless);
    // The leader's view is the group's. A count smaller than the topology's, the leader's or a
    // follower's, is what nats-server's start-up sizing leaves (see Verdict.staleMetaSize);
    // a larger one is removed servers still counted (stalePeers).
    const leader = metaLeader ? jsServers.find((s) => s.name === metaLeader) : undefined;
    const want = expected.jetstreamServers;
    if (leader?.metaClusterSize !== undefined && leader.metaClusterSize !== want) {
      add('meta', `the JetStream meta group has ${leader.metaClusterSize} peers (as its leader ${leader.name} sees it), expected ${want}`, [
        leader.name,
      ]);
    }
    const leaderSize = leader?.metaClusterSize;
    staleMetaSize =
      leader && leaderSize !== undefined && leaderSize <= want
        ? jsServers
            .filter((s) => s.metaLeader === leader.name && s.metaClusterSize !== undefined && s.metaClusterSize !== want)
            .map((s) => ({ name: s.name, size: s.metaClusterSize! }))
        : [];
    const staleFollowers = staleMetaSize.filter((s) => s.name !== leader?.name);
    if (staleFollowers.length) {
      add(
        'meta',
        `${staleFollowers.length} JetStream server(s) count the meta group wrong: ${listOf(staleFollowers.map((s) => `${s.name} (${s.size})`))}, expected ${want}; ` +
          'sized from a partial view while they started, this lets a partitioned side elect a meta leader of its own; ' +
          'a meta leader step-down to a server that counts right corrects it (stage 06 does it locally; by hand: nats server cluster step-down --host <server>, system account)',
        staleFollowers.map((s) => s.name),
      );
    }
    const peers = leader?.metaPeers ?? [];
    // A removed server stays a meta peer (counted in the quorum) until it is removed explicitly.
    // Only when every expected JetStream server is an online peer can an offline one be none of
    // ours (a restarted group may know a peer by its id only).
    const online = new Set([leader?.name, ...peers.filter((p) => !p.offline).map((p) => p.name)]);
    const allOurs = expected.servers.filter((s) => s.jetstream).every((s) => online.has(s.name));
    if (allOurs)
      for (const p of peers) if (p.offline && p.peer && !expectedNames.has(p.name)) stalePeers.push({ name: p.name, peer: p.peer });
    if (stalePeers.length)
      add(
        'meta',
        `the JetStream meta group still counts ${stalePeers.length} removed server(s): ${listOf(stalePeers.map((p) => p.name))}`,
        stalePeers.map((p) => p.name),
      );
    const behind = peers.filter((p) => (p.offline || !p.current) && !stalePeers.some((s) => s.peer === p.peer)).map((p) => p.name);
    if (behind.length) add('meta', `JetStream meta peer(s) offline or not current: ${listOf(behind)}`, behind);
  }
  const problems = findings.map((f) => f.text);
  return {
    ok: problems.length === 0,
    problems,
    findings,
    clusters,
    stalePeers,
    staleMetaSize,
    ...(metaLeader ? { metaLeader } : {}),
  };
}
