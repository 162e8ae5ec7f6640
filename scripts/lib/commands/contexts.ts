// `contexts`: NATS CLI contexts for every cluster and the identities asked for (default sys and
// admin), with the client certificates of the sandbox PKI (the same CA on every provider).
// Local: each region's seed servers; k3d/kube: the address given with --server (the cluster's
// ingress on 4222).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Invocation, Provider } from '../../../cluster/provider.js';
import { commandLine } from '../../../core/command.js';
import { UsageError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { commandHint } from '../../../core/hint.js';
import { identityCreds } from '../../../core/jwt-store.js';
import { log } from '../../../core/log.js';
import { pkiPaths } from '../../../core/pki.js';
import { IDENTITIES, type Identity } from '../../../nats/accounts.js';
import {
  contextAddCommand,
  contextFile,
  contextPrefix,
  DEFAULT_CONTEXT_IDENTITIES,
  exampleCommand,
  parseContextIdentities,
  sandboxContexts,
} from '../../../nats/cli-contexts.js';
import { sandboxCommand } from '../command.js';

/** --identity: the identities to make contexts for, comma-separated, or all. */
function parseIdentities(raw: string, label: string): readonly Identity[] {
  const parsed = parseContextIdentities(raw);
  if (parsed.unknown.length || !parsed.identities.length) {
    const bad = parsed.unknown.map((w) => `'${w}'`).join(', ') || `'${raw}'`;
    throw new UsageError(`${label}: ${bad} is not an identity; valid: ${IDENTITIES.join(', ')} (comma-separated), or all`);
  }
  return parsed.identities;
}

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

function writeContexts(
  provider: Provider,
  inv: Invocation,
  opts: { write: boolean; server?: string; identities: readonly Identity[] },
): void {
  const sandboxDir = inv.settings.sandboxDir;
  const urlOf = urls(provider, inv, opts.server);
  if (!existsSync(pkiPaths(sandboxDir).caCert)) {
    throw new UsageError(`no sandbox PKI in ${sandboxDir}; run stage 02 first: ${commandHint('02-certs', inv.names)}`);
  }
  const contexts = sandboxContexts(
    contextPrefix(sandboxDir),
    // The whole sandbox: its regions and its edge sites (an edge's contexts reach its own server,
    // which has an address on this machine with the local provider only: on k3d/kube it is
    // reached inside its hub's cluster).
    inv.args.names.length ? inv.args.names : [...inv.names, ...(provider.name === 'local' ? inv.topology().edges.map((e) => e.name) : [])],
    urlOf,
    (id) => pkiPaths(sandboxDir).client(id),
    opts.identities,
    // Operator mode: each identity's creds file.
    (id) => identityCreds(sandboxDir)[id],
  );
  // The commands are the output (for `| sh`); everything else goes to stderr.
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const c of contexts) {
    if (!opts.write) {
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
  const example = exampleCommand(contexts);
  if (!opts.write && example) out(`# then e.g.: ${example}`);
}

export const command = sandboxCommand({
  name: 'contexts',
  summary:
    'Print the `nats context add` commands for every cluster and the identities asked for (default sys and admin; mTLS, or creds in operator mode); --write creates the contexts.',
  positionals: 'selection',
  flags: {
    write: flag.boolean('write the contexts into the NATS CLI configuration instead of printing commands'),
    server: flag.text('nats://host:4222', "the address to use (required for k3d/kube: a cluster's ingress; local: each region's servers)"),
    identity: flag.parsed(
      'ID,...|all',
      `the identities to make contexts for, comma-separated (${IDENTITIES.join(', ')}) or all (default ${DEFAULT_CONTEXT_IDENTITIES.join(',')})`,
      parseIdentities,
    ),
  },
  mutates: false,
  // The commands are the output, for `| sh`.
  quiet: () => true,
  async run({ options, provider, invocation }) {
    writeContexts(provider, invocation, {
      write: options.write,
      ...(options.server ? { server: options.server } : {}),
      identities: options.identity ?? DEFAULT_CONTEXT_IDENTITIES,
    });
    return 0;
  },
});
