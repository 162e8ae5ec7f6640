// Print an observation as status does (tables and the verdict, or JSON) and return the exit code.
import { log } from '../core/log.js';
import type { Observation } from '../nats/observation.js';
import { clusterTable, serverTable, statusJson, verdictLine } from '../nats/report.js';

export function reportStatus(o: Observation, json: boolean): number {
  if (json) {
    const base = statusJson(o.verdict, o.live);
    const extra = Object.assign({}, ...o.sections.map((s) => s.json));
    process.stdout.write(`${JSON.stringify({ ...base, ...extra, ok: o.ok, problems: o.problems }, null, 2)}\n`);
  } else {
    if (o.live.length) log.info(`${serverTable(o.live)}\n\n${clusterTable(o.verdict.clusters)}\n`);
    log.info(verdictLine(o.verdict, o.live));
    for (const s of o.sections) {
      for (const line of s.text) log.info(line);
      for (const p of s.problems) log.info(`  - ${p}`);
    }
  }
  return o.ok ? 0 : 1;
}
