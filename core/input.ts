// Input shared by every entry point (the CLI, the in-pod Job, the k3d helpers): cluster names,
// replica counts, kube contexts and provider names, validated before any side effect.
import type { AuthMode } from '../nats/jwt-auth.js';
import { buildTopology, EDGE_SIZES, type EdgeName, ROLES, type Role, STRETCHED_CLUSTER } from '../nats/topology.js';
import { UsageError } from './errors.js';

/** What a command on a sandbox selects: its clusters and how they are made (scripts/lib/run.ts). */
export interface ParsedArgs {
  names: string[];
  /** Edge sites named among the names (`e1@c1`), for the commands that take a topology. */
  edges?: EdgeName[];
  provider?: ProviderName;
  contexts: Record<string, string>;
  replicas: Partial<Record<Role, number>>;
  dryRun: boolean;
  /** --wan, resolved against the names given: round trip per pair of regions ("a~b"), or 'off'. */
  wan?: Record<string, number> | 'off';
  /** --yes: start a topology larger than the estimate says this machine holds. */
  yes?: boolean;
  /** --auth: how clients prove who they are (nats/jwt-auth.ts); absent: what the sandbox keeps. */
  auth?: AuthMode;
}

export type ProviderName = 'auto' | 'local' | 'k3d' | 'kube';
export const PROVIDERS: readonly ProviderName[] = ['auto', 'local', 'k3d', 'kube'];

/**
 * Longest cluster name. The longest names derived from it, the k3d node container
 * `k3d-<name>-server-0`, the mirrored service `xr-js-nats-headless-<name>` and the server
 * `<name>-xr-js-nats-<i>`, then stay well inside a 63-character DNS label.
 */
export const MAX_NAME_LENGTH = 20;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The regions and the edge sites (`name@hub`, `name@hub:3` for 3 servers) of a command line's names. */
export function splitNames(positionals: readonly string[]): { names: string[]; edges: EdgeName[] } {
  const names: string[] = [];
  const edges: EdgeName[] = [];
  for (const p of positionals) {
    const at = p.indexOf('@');
    if (at < 0) {
      names.push(p);
      continue;
    }
    const [hub, size, ...more] = p.slice(at + 1).split(':');
    if (size === undefined) {
      edges.push({ name: p.slice(0, at), hub: hub! });
      continue;
    }
    const servers = /^\d+$/.test(size) && !more.length ? Number(size) : Number.NaN;
    if (!EDGE_SIZES.includes(servers))
      throw new UsageError(
        `'${p}': an edge site has 1 or 3 servers (name@hub or name@hub:3); three keep its streams' majority with one server down`,
      );
    edges.push({ name: p.slice(0, at), hub: hub!, ...(servers > 1 ? { servers } : {}) });
  }
  return { names, edges };
}

/** Edge site names are cluster names too; each hub must be one of the regions given. */
export function validateEdges(edges: readonly EdgeName[], regions: readonly string[]): void {
  if (!edges.length) return;
  const problems: string[] = [];
  for (const e of edges) {
    if (!e.name || !e.hub || e.hub.includes('@')) problems.push(`'${e.name}@${e.hub}' is not an edge site: write name@hub, e.g. e1@c1`);
    else if (!regions.includes(e.hub))
      problems.push(`edge site ${e.name}@${e.hub}: its hub ${e.hub} is not one of the regions given (${regions.join(', ') || 'none'})`);
  }
  if (problems.length) throw new UsageError(`invalid edge sites:\n  - ${problems.join('\n  - ')}`);
  validateNames([...regions, ...edges.map((e) => e.name)]);
  try {
    buildTopology(regions, { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } }, edges);
  } catch (e) {
    throw new UsageError(`invalid edge sites: ${(e as Error).message}`);
  }
}

export function validateNames(names: string[]): void {
  const problems: string[] = [];
  for (const n of names) {
    if (n.length > MAX_NAME_LENGTH) problems.push(`'${n}' is ${n.length} characters long; the limit is ${MAX_NAME_LENGTH}`);
    else if (!DNS_LABEL.test(n))
      problems.push(`'${n}' is not a DNS-1123 label starting with a letter (lower-case letters, digits and '-', e.g. c1, eu-west)`);
    if (n === STRETCHED_CLUSTER) problems.push(`'${n}' is reserved for the stretched JetStream cluster`);
  }
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const n of names) (seen.has(n) ? dups : seen).add(n);
  if (dups.size) problems.push(`duplicate cluster name(s): ${[...dups].join(', ')}`);
  if (problems.length) throw new UsageError(`invalid cluster names:\n  - ${problems.join('\n  - ')}`);
  if (names.length) {
    try {
      buildTopology(names, { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } }); // probes name collisions only
    } catch (e) {
      throw new UsageError(`invalid cluster names: ${(e as Error).message}`);
    }
  }
}

/** Servers per role per cluster: a sandbox on one machine, not a fleet. */
const MAX_REPLICAS = 15;

export function parseReplicas(value: string): Partial<Record<Role, number>> {
  const out: Partial<Record<Role, number>> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)=(\d+)$/.exec(part);
    const role = m?.[1] as Role | undefined;
    if (!m || !role || !ROLES.includes(role) || Number(m[2]) < 1) {
      throw new UsageError(
        `--replicas takes role=n pairs with roles ${ROLES.join(', ')} and n >= 1, e.g. --replicas seed=1,js=3; got '${part}'`,
      );
    }
    if (out[role] !== undefined) throw new UsageError(`--replicas names ${role} twice ('${value}'); give each role once`);
    if (Number(m[2]) > MAX_REPLICAS) {
      throw new UsageError(`--replicas ${part}: at most ${MAX_REPLICAS} servers per role in a cluster (one machine runs them all)`);
    }
    out[role] = Number(m[2]);
  }
  return out;
}

export function parseContexts(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UsageError(`--context takes name=context, e.g. --context c1=my-eks; got '${v}'`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}
