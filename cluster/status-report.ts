// Print an observation as status does (tables, the headline and one line per cause, or JSON) and
// return the exit code: 0 only when nothing at all is wrong.
import { log } from '../core/log.js';
import type { Observation } from '../nats/observation.js';
import { clusterTable, headline, serverTable, statusJson } from '../nats/report.js';

export interface ReportOptions {
  json: boolean;
  verbose: boolean;
  /** Regions to list in the server table (all when empty); the verdict is always the whole sandbox's. */
  regions: string[];
}

export function reportStatus(o: Observation, opts: ReportOptions): number {
  if (opts.json) {
    const base = statusJson(o.verdict, o.live);
    const extra = Object.assign({}, ...o.sections.map((s) => s.json));
    process.stdout.write(`${JSON.stringify({ ...base, ...extra, ok: o.ok, problems: o.problems, causes: o.causes }, null, 2)}\n`);
    return o.ok ? 0 : 1;
  }
  const dcOf = new Map(o.topology.servers.map((s) => [s.name, s.datacenter]));
  const shown = opts.regions.length ? o.live.filter((s) => opts.regions.includes(dcOf.get(s.name) ?? '')) : o.live;
  if (shown.length) log.info(`${serverTable(shown)}\n\n${clusterTable(o.verdict.clusters)}\n`);
  for (const s of o.sections) for (const line of s.text) log.info(line);
  log.info(headline(o, opts.verbose));
  return o.ok ? 0 : 1;
}
