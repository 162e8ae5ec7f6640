// Lose a region and bring it back, to watch the supercluster and the stretched JetStream cope:
// `down` stops every server and service process of the named datacenters (state kept),
// `up` reconciles the whole sandbox again (stages 06 and 08), which starts what is missing.

import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { buildTopology } from '../../nats/topology.js';
import type { Invocation } from '../provider.js';
import { stopRegionServices } from './service-processes.js';
import { type LocalState, readLocalState } from './state.js';
import { stopServer } from './supercluster.js';

export type RegionAction = 'down' | 'up';

/** Servers of the plan that live in `regions`. */
export function regionServers(plan: LocalState, regions: readonly string[]): string[] {
  return buildTopology(plan.names, { replicas: plan.replicas })
    .servers.filter((s) => regions.includes(s.datacenter))
    .map((s) => s.name);
}

/** Stop every server and service process of `regions` (what `region --down` and a partial `delete` share). */
export async function stopRegions(
  sandboxDir: string,
  plan: LocalState,
  regions: readonly string[],
): Promise<{ servers: string[]; stopped: number; services: number }> {
  const servers = regionServers(plan, regions);
  const [stopped, services] = await Promise.all([
    Promise.all(servers.map((name) => stopServer(sandboxDir, name))),
    stopRegionServices(sandboxDir, [...regions]),
  ]);
  return { servers, stopped: stopped.filter(Boolean).length, services };
}

export async function regionLocal(ctx: Invocation, action: RegionAction, reconcile: (ctx: Invocation) => Promise<void>): Promise<void> {
  const plan = readLocalState(ctx.settings.sandboxDir);
  if (!plan) throw new UsageError(`no local sandbox in ${ctx.settings.sandboxDir}; run install first`);
  const unknown = ctx.names.filter((n) => !plan.names.includes(n));
  if (unknown.length) throw new UsageError(`not clusters of this sandbox: ${unknown.join(', ')} (it has ${plan.names.join(', ')})`);
  if (action === 'up') {
    await reconcile({ ...ctx, names: plan.names });
    return;
  }
  if (ctx.dryRun) {
    log.info(`would stop ${regionServers(plan, ctx.names).length} servers and the services of ${ctx.names.join(', ')}`);
    return;
  }
  const { stopped, services } = await stopRegions(ctx.settings.sandboxDir, plan, ctx.names);
  log.info(
    `region ${ctx.names.join(', ')} is down: stopped ${stopped} servers and ${services} service processes; ` +
      `bring it back with: npx zx scripts/region.mjs ${ctx.names.join(' ')} --up`,
  );
}
