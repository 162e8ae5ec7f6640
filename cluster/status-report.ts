// Print a status observation (table or JSON) and return the exit code.

import { log } from '../core/log.js';
import { expectedTopology } from '../nats/expected.js';
import { clusterTable, serverTable, statusJson, verdictLine } from '../nats/report.js';
import type { Topology } from '../nats/topology.js';
import { type LiveServer, verify } from '../nats/verify.js';

/** More of the live system a provider reports beside the supercluster (e.g. its services). */
export interface StatusSection {
  /** Differences from what should run; any makes status fail. */
  problems: string[];
  /** Fields added to the --json output. */
  json: Record<string, unknown>;
  /** Lines printed after the verdict. */
  text: string[];
}

export async function reportStatus(
  topo: Topology,
  observeLive: () => Promise<LiveServer[]>,
  json: boolean,
  extra?: () => Promise<StatusSection>,
): Promise<number> {
  let live: LiveServer[] = [];
  try {
    live = await observeLive();
  } catch (e) {
    log.warn(`no server answered: ${(e as Error).message}`);
  }
  const verdict = verify(expectedTopology(topo), live);
  const section = extra ? await extra() : undefined;
  const ok = verdict.ok && !section?.problems.length;
  if (json) {
    const base = statusJson(verdict, live);
    process.stdout.write(
      `${JSON.stringify({ ...base, ok, problems: [...base.problems, ...(section?.problems ?? [])], ...section?.json }, null, 2)}\n`,
    );
  } else {
    if (live.length) log.info(`${serverTable(live)}\n\n${clusterTable(verdict.clusters)}\n`);
    log.info(verdictLine(verdict, live));
    for (const line of section?.text ?? []) log.info(line);
    for (const p of section?.problems ?? []) log.info(`  - ${p}`);
  }
  return ok ? 0 : 1;
}
