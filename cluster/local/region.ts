// Lose a region and bring it back, to watch the supercluster and the stretched JetStream cope:
// `down` stops every server and service process of the named datacenters (state kept),
// `up` reconciles the whole sandbox again (stages 06 and 08), which starts what is missing.
import { buildTopology } from '../../nats/topology.js';
import { UsageError } from '../../scripts/lib/args.js';
import { log } from '../../scripts/lib/log.js';
import type { StageContext } from '../../scripts/lib/stages.js';
import { stopRegionServices } from './services.js';
import { readPlan } from './state.js';
import { stopServer } from './supercluster.js';

export type RegionAction = 'down' | 'up';

export async function regionLocal(ctx: StageContext, action: RegionAction, reconcile: (ctx: StageContext) => Promise<void>): Promise<void> {
  const plan = readPlan(ctx.settings.sandboxDir);
  if (!plan) throw new UsageError(`no local sandbox in ${ctx.settings.sandboxDir}; run install first`);
  const unknown = ctx.names.filter((n) => !plan.names.includes(n));
  if (unknown.length) throw new UsageError(`not clusters of this sandbox: ${unknown.join(', ')} (it has ${plan.names.join(', ')})`);
  if (action === 'up') {
    await reconcile({ ...ctx, names: plan.names });
    return;
  }
  const servers = buildTopology(plan.names, { replicas: plan.replicas }).servers.filter((s) => ctx.names.includes(s.datacenter));
  if (ctx.dryRun) {
    log.info(`would stop ${servers.length} servers and the services of ${ctx.names.join(', ')}`);
    return;
  }
  const stopped = await Promise.all(servers.map((s) => stopServer(ctx.settings.sandboxDir, s.name)));
  const services = await stopRegionServices(ctx.settings.sandboxDir, ctx.names);
  log.info(`region ${ctx.names.join(', ')} is down: stopped ${stopped.filter(Boolean).length} servers and ${services} service processes; ` +
    `bring it back with: npx zx scripts/region.mjs ${ctx.names.join(' ')} --up`);
}
