// Print a status observation (table or JSON) and return the exit code.
import { expectedTopology } from '../../nats/expected.js';
import { clusterTable, serverTable, statusJson, verdictLine } from '../../nats/report.js';
import type { Topology } from '../../nats/topology.js';
import { verify, type LiveServer } from '../../nats/verify.js';
import { log } from './log.js';

export async function reportStatus(topo: Topology, observeLive: () => Promise<LiveServer[]>, json: boolean): Promise<number> {
  let live: LiveServer[] = [];
  try {
    live = await observeLive();
  } catch (e) {
    log.warn(`no server answered: ${(e as Error).message}`);
  }
  const verdict = verify(expectedTopology(topo), live);
  if (json) {
    process.stdout.write(JSON.stringify(statusJson(verdict, live), null, 2) + '\n');
  } else {
    if (live.length) log.info(`${serverTable(live)}\n\n${clusterTable(verdict.clusters)}\n`);
    log.info(verdictLine(verdict, live));
  }
  return verdict.ok ? 0 : 1;
}
