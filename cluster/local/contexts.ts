// `contexts` for the local provider: NATS CLI contexts pointing at each region's seed servers.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { contextAddCommand, contextFile, sandboxContexts } from '../../nats/contexts.js';
import { commandLine } from '../../scripts/lib/command.js';
import { log } from '../../scripts/lib/log.js';
import type { StageContext } from '../../scripts/lib/stages.js';
import { pkiPaths } from './pki.js';
import { readPlan } from './state.js';
import { LocalError, regionClientUrls, resolvePlan } from './supercluster.js';

export function writeContexts(ctx: StageContext, write: boolean): void {
  const sandboxDir = ctx.settings.sandboxDir;
  if (!readPlan(sandboxDir) || !existsSync(pkiPaths(sandboxDir).caCert)) {
    throw new LocalError(`no local sandbox with a PKI in ${sandboxDir}; run install first: npx zx scripts/install.mjs ${ctx.names.join(' ')}`);
  }
  const { topo, plan } = resolvePlan({ sandboxDir, names: ctx.names, replicas: { ...ctx.settings.replicas, ...ctx.args.replicas }, portBase: ctx.settings.portBase });
  const contexts = sandboxContexts(ctx.names, (c) => regionClientUrls(topo, plan, c).join(','), (id) => pkiPaths(sandboxDir).client(id));
  for (const c of contexts) {
    if (!write) {
      log.info(commandLine(contextAddCommand(c)));
      continue;
    }
    const file = contextFile(c, ctx.settings.env);
    if (ctx.dryRun) {
      log.info(`would write ${file.path}`);
      continue;
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.json, { mode: 0o600 });
    log.info(`wrote ${file.path}`);
  }
  if (!write) log.info(`# then e.g.: nats --context ${contexts[0]!.name} server list`);
}
