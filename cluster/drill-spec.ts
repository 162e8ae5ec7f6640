// What a drill is asked to do, for any provider that runs drills: its kind and arguments, parsed
// and checked against the sandbox before anything runs, and when in the load its fault comes. Pure.

import { UsageError } from '../core/errors.js';
import { wholeNumber } from '../core/flags.js';
import { seededRandom } from '../services/requester/stats.js';
import { MAX_RTT_MS } from './local/wan/spec.js';

export const DRILL_KINDS = [
  'region-loss',
  'partition',
  'leader-kill',
  'server-kill',
  'mysql-outage',
  'slow-wan',
  'edge-loss',
  'edge-partition',
  'revoke',
] as const;

export type DrillSpec =
  | { kind: 'region-loss'; regions: string[] }
  | { kind: 'partition'; regions: string[] }
  | { kind: 'leader-kill' }
  | { kind: 'server-kill'; count: number }
  | { kind: 'mysql-outage'; seconds: number }
  | { kind: 'slow-wan'; rttMs: number }
  /** An edge site's servers killed, then started again; or its links cut at the WAN layer, then healed. */
  | { kind: 'edge-loss' | 'edge-partition'; edge: string }
  | { kind: 'revoke' };

export interface DrillOptions {
  spec: DrillSpec;
  /** How long the load runs at least (s); it also runs on until a little after the fault is restored. */
  seconds: number;
  /** Picks the servers of server-kill and the questions asked. */
  seed: number;
  /** Requests in flight per asking region. */
  concurrency: number;
  json: boolean;
}

export const DEFAULT_SECONDS = 20;
export const DEFAULT_SLOW_WAN_MS = 200;
export const DEFAULT_CONCURRENCY = 4;
export const MAX_SECONDS = 3600;

export const DRILL_USAGE = `drill <kind> [args]: region-loss <cN>... | partition <cN>... | leader-kill | server-kill <N> | mysql-outage <SECONDS> | slow-wan [MS] | edge-loss <EDGE> | edge-partition <EDGE> | revoke`;

function noMoreArgs(kind: string, rest: string[]): void {
  if (rest.length) throw new UsageError(`${kind} takes no more arguments; got '${rest.join(' ')}'\n${DRILL_USAGE}`);
}

/** The drill the positionals ask for: its kind and its arguments. */
export function parseDrillSpec(positionals: readonly string[]): DrillSpec {
  const [kind, ...rest] = positionals;
  if (!kind) throw new UsageError(`which drill? ${DRILL_USAGE}`);
  switch (kind) {
    case 'region-loss':
    case 'partition': {
      if (!rest.length)
        throw new UsageError(`${kind} needs the region(s) to ${kind === 'partition' ? 'cut off' : 'lose'}, e.g. ${kind} c3`);
      const dups = rest.filter((r, i) => rest.indexOf(r) !== i);
      if (dups.length) throw new UsageError(`${kind}: region(s) given twice: ${[...new Set(dups)].join(', ')}`);
      return { kind, regions: [...rest] };
    }
    case 'leader-kill':
    case 'revoke':
      noMoreArgs(kind, rest);
      return { kind };
    case 'server-kill': {
      const [n, ...more] = rest;
      if (n === undefined) throw new UsageError('server-kill needs how many servers to kill, e.g. server-kill 1');
      noMoreArgs(kind, more);
      return { kind, count: wholeNumber(n, 'server-kill N') };
    }
    case 'mysql-outage': {
      const [s, ...more] = rest;
      if (s === undefined) throw new UsageError('mysql-outage needs how many seconds MySQL stays down, e.g. mysql-outage 5');
      noMoreArgs(kind, more);
      return { kind, seconds: wholeNumber(s, 'mysql-outage SECONDS', 1, MAX_SECONDS) };
    }
    case 'slow-wan': {
      const [ms, ...more] = rest;
      noMoreArgs(kind, more);
      return { kind, rttMs: ms === undefined ? DEFAULT_SLOW_WAN_MS : wholeNumber(ms.replace(/ms$/, ''), 'slow-wan MS', 1, MAX_RTT_MS) };
    }
    case 'edge-loss':
    case 'edge-partition': {
      const [edge, ...more] = rest;
      if (edge === undefined) throw new UsageError(`${kind} needs the edge site, e.g. ${kind} e1`);
      noMoreArgs(kind, more);
      return { kind, edge };
    }
    default:
      throw new UsageError(`unknown drill '${kind}'; the kinds are ${DRILL_KINDS.join(', ')}\n${DRILL_USAGE}`);
  }
}

/** What a drill is checked against: the sandbox's regions, servers and edge sites. */
export interface SandboxShape {
  names: readonly string[];
  servers: readonly string[];
  edges?: readonly string[];
}

/** Refuse a drill this sandbox cannot run, before anything changes. */
export function checkDrill(spec: DrillSpec, sandbox: SandboxShape): void {
  if (spec.kind === 'region-loss' || spec.kind === 'partition') {
    const unknown = spec.regions.filter((r) => !sandbox.names.includes(r));
    if (unknown.length) throw new UsageError(`not a cluster of this sandbox: ${unknown.join(', ')} (it has ${sandbox.names.join(', ')})`);
    if (sandbox.names.every((n) => spec.regions.includes(n))) {
      throw new UsageError(
        `${spec.kind} of every region (${sandbox.names.join(', ')}) leaves nothing to ${spec.kind === 'partition' ? 'cut it off from' : 'carry the load'}; name fewer`,
      );
    }
  }
  if (spec.kind === 'edge-loss' || spec.kind === 'edge-partition') {
    const edges = sandbox.edges ?? [];
    if (!edges.includes(spec.edge))
      throw new UsageError(
        edges.length
          ? `${spec.kind} ${spec.edge}: not an edge site of this sandbox (it has ${edges.join(', ')})`
          : `${spec.kind} ${spec.edge}: this sandbox has no edge sites; install one with name@hub, e.g. e1@${sandbox.names[0] ?? 'c1'}`,
      );
  }
  if (spec.kind === 'server-kill' && spec.count > sandbox.servers.length) {
    throw new UsageError(`server-kill ${spec.count}: this sandbox has only ${sandbox.servers.length} servers`);
  }
}

/** `count` servers picked at random by `seed` (the same seed picks the same servers). */
export function pickServers(servers: readonly string[], count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pool = [...servers].sort();
  // Fisher-Yates, as far as needed.
  for (let i = 0; i < Math.min(count, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/** The key of a pair of regions in the WAN layer's tables: names sorted, joined by '~'. */
export function pairKey(a: string, b: string): string {
  return [a, b].sort().join('~');
}

/** The same round trip for every pair of regions. */
export function everyPair(names: readonly string[], rttMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [i, a] of names.entries()) for (const b of names.slice(i + 1)) out[pairKey(a, b)] = rttMs;
  return out;
}

export interface Timeline {
  /** The fault comes this long after the load started... */
  faultAtMs: number;
  /** ...and is restored this long after it came. */
  holdMs: number;
  /** The load runs at least this long... */
  loadMs: number;
  /** ...and at least this long after the fault was restored (recovery shows in the answers). */
  tailMs: number;
}

/** A quarter of the load before the fault, then the fault, then the load goes on after it. */
export function timeline(spec: DrillSpec, seconds: number): Timeline {
  const loadMs = seconds * 1000;
  return {
    faultAtMs: Math.round(loadMs * 0.25),
    holdMs: spec.kind === 'mysql-outage' ? spec.seconds * 1000 : Math.max(1000, Math.round(loadMs * 0.35)),
    loadMs,
    tailMs: Math.max(1000, Math.round(loadMs * 0.25)),
  };
}

/** One line naming the drill, as the report's title. */
export function describeDrill(spec: DrillSpec): string {
  switch (spec.kind) {
    case 'region-loss':
    case 'partition':
      return `${spec.kind} ${spec.regions.join(' ')}`;
    case 'leader-kill':
    case 'revoke':
      return spec.kind;
    case 'server-kill':
      return `server-kill ${spec.count}`;
    case 'mysql-outage':
      return `mysql-outage ${spec.seconds}`;
    case 'slow-wan':
      return `slow-wan ${spec.rttMs}`;
    case 'edge-loss':
    case 'edge-partition':
      return `${spec.kind} ${spec.edge}`;
  }
}
