// Lose a region and bring it back, to watch the supercluster and the stretched JetStream cope:
// `down` stops every server and service process of the named datacenters (state kept),
// `up` reconciles the whole sandbox again (stages 06 and 08), which starts what is missing.

import { UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { log } from '../../core/log.js';
import { buildTopology } from '../../nats/topology.js';
import { type Invocation, withNames } from '../provider.js';
import { processesOnDisk, stopOne } from './reconciler.js';
import { serviceDir } from './service-processes.js';
import { type LocalState, localPaths, serverGroup, serviceGroup } from './state.js';

export type RegionAction = 'down' | 'up';

/** Servers of the saved state that live in `regions`. */
export function regionServers(state: LocalState, regions: readonly string[]): string[] {
  return buildTopology(state.names, { replicas: state.replicas })
    .servers.filter((s) => regions.includes(s.datacenter))
    .map((s) => s.name);
}

/** Service processes of `regions` (their names start with the region). */
export function regionServices(sandboxDir: string, regions: readonly string[]): string[] {
  return processesOnDisk(serviceGroup(sandboxDir)).filter((n) => regions.some((r) => n.startsWith(`${r}-`)));
}

/** Stop every server and service process of `regions` (what `region --down` and a partial `delete` share). */
export async function stopRegions(
  sandboxDir: string,
  state: LocalState,
  regions: readonly string[],
): Promise<{ servers: string[]; services: string[]; stopped: number; stoppedServices: number }> {
  const servers = regionServers(state, regions);
  const services = regionServices(sandboxDir, regions);
  const [stopped, stoppedServices] = await Promise.all([
    Promise.all(servers.map((name) => stopOne(serverGroup(sandboxDir), name, localPaths(sandboxDir).conf(name)))),
    Promise.all(services.map((name) => stopOne(serviceGroup(sandboxDir), name, serviceDir(sandboxDir, name)))),
  ]);
  return { servers, services, stopped: stopped.filter(Boolean).length, stoppedServices: stoppedServices.filter(Boolean).length };
}

export async function regionLocal(inv: Invocation, action: RegionAction, reconcile: (inv: Invocation) => Promise<void>): Promise<void> {
  // The command line checked the names against this state (scripts/lib/cli.ts partOf).
  const state = inv.saved() as LocalState | undefined;
  if (!state) throw new UsageError(`no local sandbox in ${inv.settings.sandboxDir}; run install first`);
  const regions = inv.args.names;
  if (action === 'up') {
    // No names: the saved topology whole, edge sites included (naming the regions would drop them).
    await reconcile(withNames(inv, []));
    return;
  }
  if (inv.dryRun) {
    log.info(`would stop ${regionServers(state, regions).length} servers and the services of ${regions.join(', ')}`);
    return;
  }
  const { stopped, stoppedServices } = await stopRegions(inv.settings.sandboxDir, state, regions);
  log.info(
    `region ${regions.join(', ')} is down: stopped ${stopped} servers and ${stoppedServices} service processes; ` +
      `bring it back with: ${commandHint('region', [...regions, '--up'])}`,
  );
}
