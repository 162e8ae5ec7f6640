// The --wan value: round-trip delays between the sites the WAN layer links. Pure.
//   40ms                      every pair of sites 40 ms apart
//   c1-c2=30ms,c1-c3=80ms     one pair each (pairs not named: 0 ms)
//   40ms,c1-c3=80ms           every pair 40 ms but c1-c3
//   40ms,c1-e1=20ms           an edge site's link to a region (edge sites link to regions only)
//   0ms                       the WAN layer without delay (partitions work); off: regions linked directly
import { UsageError } from '../../../core/errors.js';

/** Round-trip delay in ms per pair of regions ("a~b", names sorted); pairs not listed: 0. */
export type RttTable = Record<string, number>;

/** A sandbox on one machine: longer than this is a typo, not a WAN. */
export const MAX_RTT_MS = 10_000;

/** The links file: what the router applies now (control.ts writes it, router.ts reads it). */
export interface LinkSettings {
  generation: number;
  rttMs: RttTable;
  /** Cut pairs ("a~b"): established connections dropped, new ones refused. */
  cut: string[];
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

export function pairRegions(key: string): [string, string] {
  const [a, b] = key.split('~');
  return [a!, b!];
}

export function rttOf(table: RttTable, a: string, b: string): number {
  return a === b ? 0 : (table[pairKey(a, b)] ?? 0);
}

/** Every pair of `names`, once. */
export function allPairs(names: readonly string[]): string[] {
  return names.flatMap((a, i) => names.slice(i + 1).map((b) => pairKey(a, b)));
}

/**
 * What the WAN layer links: the regions with one another, and each edge site with every region
 * (its leafnode dials its hub, then its fallback region). Edge sites never dial one another.
 * A plain list is regions only.
 */
export type WanSites = readonly string[] | { regions: readonly string[]; edges: readonly string[] };

function sitesOf(sites: WanSites): { regions: readonly string[]; edges: readonly string[] } {
  return 'regions' in sites ? sites : { regions: sites as readonly string[], edges: [] };
}

/** Every pair the WAN layer carries for `sites`, in a stable order: region pairs, then edge links. */
export function wanPairs(sites: WanSites): string[] {
  const { regions, edges } = sitesOf(sites);
  return [...allPairs(regions), ...edges.flatMap((e) => regions.map((r) => pairKey(e, r)))];
}

function parseDelay(raw: string, what: string, label: string): number {
  const m = /^(-?\d+(?:\.\d+)?)(ms|s)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`${label} ${what}: '${raw}' is not a delay; write it like 40ms or 0.2s`);
  const ms = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  if (ms < 0) throw new UsageError(`${label} ${what}: a delay cannot be negative ('${raw}')`);
  if (ms > MAX_RTT_MS) throw new UsageError(`${label} ${what}: ${raw} is more than the ${MAX_RTT_MS / 1000} s the WAN layer emulates`);
  return Math.round(ms);
}

/** Split "a-b" into two site names; names may contain '-', so try every split against them. */
function splitPair(raw: string, names: readonly string[], label: string): [string, string] {
  const splits = [...raw.matchAll(/-/g)]
    .map((m) => [raw.slice(0, m.index), raw.slice(m.index! + 1)] as [string, string])
    .filter(([a, b]) => names.includes(a) && names.includes(b));
  if (splits.length === 1) return splits[0]!;
  throw new UsageError(
    `${label}: '${raw}' does not name two sites of this sandbox (${names.join(', ')}); write a pair as a-b, e.g. ${names[0]}-${names[1] ?? names[0]}=40ms`,
  );
}

/**
 * The table for `sites`, or 'off' for no WAN layer. Rejects unknown sites, a pair given twice
 * (c1-c2 and c2-c1 overlap), a site paired with itself, two edge sites (never linked), negative
 * and absurd delays.
 */
export function parseWan(text: string, sites: WanSites, label = '--wan'): RttTable | 'off' {
  const { regions, edges } = sitesOf(sites);
  const names = [...regions, ...edges];
  const value = text.trim();
  if (value === 'off') return 'off';
  if (!value) throw new UsageError(`${label} needs a value: a delay (40ms), pairs (c1-c2=30ms,...), 0ms or off`);
  const table: RttTable = {};
  const given = new Set<string>();
  let everyPair: number | undefined;
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!part) throw new UsageError(`${label} '${text}' has an empty entry; separate entries with single commas`);
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (everyPair !== undefined) throw new UsageError(`${label} '${text}' gives the delay of every pair twice`);
      everyPair = parseDelay(part, 'every pair', label);
      continue;
    }
    const [a, b] = splitPair(part.slice(0, eq).trim(), names, label);
    if (a === b) throw new UsageError(`${label} ${part}: a region is not distant from itself`);
    if (edges.includes(a) && edges.includes(b))
      throw new UsageError(
        `${label} ${part}: edge sites are not linked to one another, only to the regions (e.g. ${a}-${regions[0]}=20ms)`,
      );
    const key = pairKey(a, b);
    if (given.has(key))
      throw new UsageError(`${label} '${text}' gives ${a}-${b} more than once (pairs are symmetric: ${a}-${b} is ${b}-${a})`);
    given.add(key);
    table[key] = parseDelay(part.slice(eq + 1), `${a}-${b}`, label);
  }
  for (const key of wanPairs(sites)) if (!given.has(key)) table[key] = everyPair ?? 0;
  return Object.fromEntries(wanPairs(sites).map((k) => [k, table[k]!]));
}

/** `table` for the pairs `sites` make: pairs of sites gone dropped, new pairs 0 ms. */
export function tableFor(table: RttTable, sites: WanSites): RttTable {
  return Object.fromEntries(wanPairs(sites).map((k) => [k, table[k] ?? 0]));
}

/** One line for logs: "c1-c2 30 ms, c1-c3 80 ms" or "every pair 40 ms". */
export function describeWan(table: RttTable): string {
  const values = [...new Set(Object.values(table))];
  if (values.length <= 1) return `every pair ${values[0] ?? 0} ms`;
  return Object.entries(table)
    .map(([k, ms]) => `${pairRegions(k).join('-')} ${ms} ms`)
    .join(', ');
}
