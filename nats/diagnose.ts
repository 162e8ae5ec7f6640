// From the differences verify() finds to their causes, one line each: a region whose every
// server is silent is one cause ("region c3 is down (12 servers)"), and every finding that only
// follows from it (routes and gateways to its servers, its meta peers offline) is a detail of it,
// not a problem of its own. Pure.
import type { Topology } from './topology.js';
import { type Finding, STORE_FULL_FIX, type Verdict } from './verify.js';

/** A problem reported beside the supercluster (a service, the recording path), maybe of one region. */
export interface SectionProblem {
  text: string;
  region?: string;
  /**
   * A fault every other finding may follow from (the WAN router down: no connection crosses
   * regions, so each side sees the others as down). It is then the first cause, and the rest are
   * its details: what status says first must be what to fix first.
   */
  underlies?: boolean;
  /**
   * The site (an edge site) every other problem of which follows from this one: cut off at the
   * WAN layer, its leafnode and its services are gone from view too. They become its details.
   */
  explains?: string;
}

export interface Cause {
  /** One line for the user. */
  summary: string;
  /** The findings behind it (shown with --verbose). */
  details: string[];
}

/** What nats-server's health check says of a server out of touch with the meta group's leader. */
const META_HEALTH = /meta leader|meta group/i;

function listOf(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Datacenters none of whose servers answered. */
export function downRegions(topo: Topology, verdict: Verdict): string[] {
  const missing = new Set(verdict.findings.filter((f) => f.kind === 'missing').flatMap((f) => f.involves));
  return topo.names.filter((dc) => topo.servers.filter((s) => s.datacenter === dc).every((s) => missing.has(s.name)));
}

export function diagnose(topo: Topology, verdict: Verdict, others: readonly SectionProblem[] = []): Cause[] {
  const roots = others.filter((p) => p.underlies);
  if (roots.length) {
    const rest = diagnoseFindings(
      topo,
      verdict,
      others.filter((p) => !p.underlies),
    );
    return [
      ...roots.map((r, i) => ({
        summary: r.text,
        details: i === 0 ? rest.flatMap((c) => [c.summary, ...c.details.map((d) => `  ${d}`)]) : [],
      })),
    ];
  }
  return diagnoseFindings(topo, verdict, others);
}

function diagnoseFindings(topo: Topology, verdict: Verdict, others: readonly SectionProblem[]): Cause[] {
  const down = new Set(downRegions(topo, verdict));
  const dcOf = new Map(topo.servers.map((s) => [s.name, s.datacenter]));
  // Things of a down region: its servers and its regional NATS cluster.
  const isDown = (name: string) => down.has(dcOf.get(name) ?? '') || down.has(name);
  const causes: Cause[] = [...down].map((dc) => ({
    summary: `region ${dc} is down: none of its ${topo.servers.filter((s) => s.datacenter === dc).length} servers answer`,
    details: [],
  }));
  const byRegion = new Map([...down].map((dc, i) => [dc, causes[i]!]));
  const explainedBy = (f: Finding): Cause | undefined => {
    // The meta group lost peers with the region (its leader too, maybe): the others' meta
    // findings and meta health lines, while it elects, follow from that.
    if (down.size && (f.kind === 'meta' || (f.kind === 'health' && META_HEALTH.test(f.text)))) return byRegion.get([...down][0]!);
    if (!f.involves.length || !f.involves.every(isDown)) return undefined;
    const dc = dcOf.get(f.involves[0]!) ?? f.involves[0]!;
    return byRegion.get(dc);
  };
  // Full stores are one cause (a stream's replicas fill their servers' stores together), each
  // server's line and the health lines of the streams on it its details.
  const full = verdict.findings.filter((f) => f.kind === 'store-full' && f.subject);
  const storeCause: Cause | undefined =
    full.length === 1
      ? { summary: full[0]!.text, details: [] }
      : full.length
        ? {
            summary: `the JetStream file stores of ${listOf(full.map((f) => f.subject!))} are full: the streams on them refuse publishes; fix: ${STORE_FULL_FIX}`,
            details: full.map((f) => f.text),
          }
        : undefined;
  const fullStore = new Map(full.map((f) => [f.subject!, storeCause!]));
  if (storeCause) causes.push(storeCause);
  for (const f of verdict.findings) {
    if (f.kind === 'store-full') continue;
    const store = f.kind === 'health' && f.subject ? fullStore.get(f.subject) : undefined;
    if (store) {
      store.details.push(f.text);
      continue;
    }
    if (f.kind === 'missing') {
      const others = f.involves.filter((n) => !isDown(n));
      for (const dc of down)
        byRegion.get(dc)!.details.push(...f.involves.filter((n) => dcOf.get(n) === dc).map((n) => `${n} did not answer`));
      if (others.length) causes.push({ summary: `${others.length} server(s) did not answer: ${listOf(others)}`, details: others });
      continue;
    }
    const cause = explainedBy(f);
    if (cause) cause.details.push(f.text);
    else causes.push({ summary: f.text, details: [] });
  }
  // A service of a region that is down is down with it; the problems of a site cut off are the cut's.
  const explaining = new Map<string, Cause>();
  for (const p of others.filter((x) => x.explains)) {
    const cause = { summary: p.text, details: [] };
    explaining.set(p.explains!, cause);
    causes.push(cause);
  }
  for (const p of others.filter((x) => !x.explains)) {
    const cause = p.region ? (byRegion.get(p.region) ?? explaining.get(p.region)) : undefined;
    if (cause) cause.details.push(p.text);
    else causes.push({ summary: p.text, details: [] });
  }
  return causes;
}
