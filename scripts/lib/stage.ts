// A numbered stage as a command: `npx zx scripts/0N-<stage>.mjs <name>...`, safe to re-run.

import { parseWan, type RttTable } from '../../cluster/local/wan/spec.js';
import type { Invocation, Provider, StageId } from '../../cluster/provider.js';
import { flag } from '../../core/flags.js';
import { log, step } from '../../core/log.js';
import type { AuthMode } from '../../nats/jwt-auth.js';
import { AUTH_FLAG } from './auth-flag.js';
import { sandboxCommand } from './command.js';

/** Where the topology is built (local provider): --wan shapes the links between regions. */
export const WAN_FLAGS = {
  yes: flag.boolean("start the servers even when the size estimate says this machine's memory cannot hold them"),
  wan: flag.text(
    '40ms|a-b=30ms,...|0ms|off',
    'local provider: round trip between regions through the WAN layer (every pair, or per pair; 0ms: the layer without delay, for partitions; off: linked directly). Kept by the sandbox; a re-run changes it without restarting servers',
  ),
  auth: AUTH_FLAG,
};

/** --wan against the names given (every pair they make, edge sites' links included), before anything runs. */
export function wanOf(
  options: { wan?: string; yes?: boolean; auth?: AuthMode },
  names: readonly string[],
  edges: readonly string[] = [],
): { wan?: RttTable | 'off'; yes?: boolean; auth?: AuthMode } {
  return {
    ...(options.wan === undefined ? {} : { wan: parseWan(options.wan, { regions: names, edges }) }),
    ...(options.yes ? { yes: true } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  };
}

export async function runStage(id: StageId, provider: Provider, inv: Invocation): Promise<void> {
  const fn = provider.stages[id];
  if (!fn) {
    log.info(`• ${id}: skipped for the ${provider.name} provider: ${provider.skipped[id] ?? 'nothing to do'}`);
    return;
  }
  await step(`${id} (${provider.name}: ${inv.names.join(' ')})`, () => fn(inv));
}

/** The command of one stage; `wan`: it takes --wan (the stages that shape the local sandbox). */
export function stageCommand(id: StageId, summary: string, wan = false) {
  const flags = wan ? WAN_FLAGS : {};
  return sandboxCommand({
    name: id,
    summary,
    positionals: 'topology',
    flags,
    mutates: true,
    ...(wan
      ? {
          selects: (o: { wan?: string; yes?: boolean; auth?: AuthMode }, names: readonly string[], edges: readonly string[]) =>
            wanOf(o, names, edges),
        }
      : {}),
    async run({ provider, invocation }) {
      await runStage(id, provider, invocation);
      return 0;
    },
  });
}
