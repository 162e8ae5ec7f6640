// `contexts`: NATS CLI contexts for the system and admin users of every cluster, with the client
// certificates of the sandbox PKI (the same CA on every provider). Local: each region's seed
// servers; k3d/kube: the address given with --server (the cluster's ingress on 4222).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readLocalState } from '../../../cluster/local/state.js';
import { planFor, regionClientUrls } from '../../../cluster/local/supercluster.js';
import type { Invocation } from '../../../cluster/provider.js';
import { commandLine } from '../../../core/command.js';
import { UsageError } from '../../../core/errors.js';
import { log } from '../../../core/log.js';
import { pkiPaths } from '../../../core/pki.js';
import { contextAddCommand, contextFile, sandboxContexts } from '../../../nats/cli-contexts.js';

function urls(ctx: Invocation, server: string | undefined): (cluster: string) => string {
  if (server) return () => server;
  if (ctx.provider !== 'local')
    throw new UsageError(
      `contexts for the ${ctx.provider} provider need --server nats://<ingress address>:4222 (the haproxy ingress of a cluster)`,
    );
  if (!readLocalState(ctx.settings.sandboxDir))
    throw new UsageError(
      `no local sandbox in ${ctx.settings.sandboxDir}; run install first: npx zx scripts/install.mjs ${ctx.names.join(' ')}`,
    );
  const { topo, plan } = planFor(ctx);
  return (c) => regionClientUrls(topo, plan, c).join(',');
}

export function writeContexts(ctx: Invocation, write: boolean, server?: string): void {
  const sandboxDir = ctx.settings.sandboxDir;
  const urlOf = urls(ctx, server);
  if (!existsSync(pkiPaths(sandboxDir).caCert)) {
    throw new UsageError(`no sandbox PKI in ${sandboxDir}; run stage 02 first: npx zx scripts/02-certs.mjs ${ctx.names.join(' ')}`);
  }
  const contexts = sandboxContexts(ctx.names, urlOf, (id) => pkiPaths(sandboxDir).client(id));
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
