// `contexts`: NATS CLI contexts for the system and admin users of every cluster, with the client
// certificates of the sandbox PKI (the same CA on every provider). Local: each region's seed
// servers; k3d/kube: the address given with --server (the cluster's ingress on 4222).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Invocation, Provider } from '../../../cluster/provider.js';
import { commandLine } from '../../../core/command.js';
import { UsageError } from '../../../core/errors.js';
import { log } from '../../../core/log.js';
import { pkiPaths } from '../../../core/pki.js';
import { contextAddCommand, contextFile, contextPrefix, sandboxContexts } from '../../../nats/cli-contexts.js';

function urls(provider: Provider, inv: Invocation, server: string | undefined): (cluster: string) => string {
  if (server) return () => server;
  const known = provider.clientUrl?.(inv);
  if (!known) {
    throw new UsageError(
      `contexts for the ${inv.provider} provider need --server nats://<ingress address>:4222 (the haproxy ingress of a cluster)`,
    );
  }
  return known;
}

export function writeContexts(provider: Provider, inv: Invocation, write: boolean, server?: string): void {
  const sandboxDir = inv.settings.sandboxDir;
  const urlOf = urls(provider, inv, server);
  if (!existsSync(pkiPaths(sandboxDir).caCert)) {
    throw new UsageError(`no sandbox PKI in ${sandboxDir}; run stage 02 first: npx zx scripts/02-certs.mjs ${inv.names.join(' ')}`);
  }
  const contexts = sandboxContexts(contextPrefix(sandboxDir), inv.args.names.length ? inv.args.names : inv.names, urlOf, (id) =>
    pkiPaths(sandboxDir).client(id),
  );
  // The commands are the output (for `| sh`); everything else goes to stderr.
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const c of contexts) {
    if (!write) {
      out(commandLine(contextAddCommand(c)));
      continue;
    }
    const file = contextFile(c, inv.settings.env);
    if (inv.dryRun) {
      log.info(`would write ${file.path}`);
      continue;
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.json, { mode: 0o600 });
    log.info(`wrote ${file.path}`);
  }
  if (!write) out(`# then e.g.: nats --context ${contexts[0]!.name} server list`);
}
