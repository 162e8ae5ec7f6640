// `tools`: the pinned nats-server and nats CLI, found or built once into the tools cache. Prints a
// PATH line for the shell (`eval "$(npx zx scripts/tools.mjs)"`); everything else goes to stderr.

import { dirname } from 'node:path';
import { resolveNatsServer } from '../../../cluster/local/nats-server-bin.js';
import { createRunner } from '../../../core/command.js';
import { MissingToolError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { locateGoTool, NATS_CLI, NATS_CLI_VERSION, toolsCacheDir } from '../../../core/go-tool.js';
import { log } from '../../../core/log.js';
import type { Settings } from '../../../core/settings.js';
import { plainCommand } from '../command.js';

async function tools(settings: Settings, dryRun: boolean): Promise<number> {
  const runner = createRunner(dryRun);
  const say = (line: string) => log.info(line);
  const server = await resolveNatsServer({
    env: settings.env,
    pinned: settings.natsServerVersion,
    ...(settings.natsServerBin ? { explicit: settings.natsServerBin } : {}),
    runner,
    say,
    warn: (line) => log.warn(line),
  });
  log.info(`nats-server ${server.version}: ${server.path} (${server.source})`);
  const explicit = settings.env[NATS_CLI.binEnv];
  const cli = await locateGoTool(NATS_CLI, NATS_CLI_VERSION, { env: settings.env, ...(explicit ? { explicit } : {}), runner, say });
  if (!cli) {
    throw new MissingToolError(
      `no nats CLI${explicit ? `: ${NATS_CLI.binEnv} is ${explicit}, which is not an executable file` : ''}\nfix: install Go (the sandbox then builds natscli v${NATS_CLI_VERSION} into ${toolsCacheDir(settings.env)}), or set ${NATS_CLI.binEnv}`,
    );
  }
  log.info(`nats ${NATS_CLI_VERSION}: ${cli.path} (${cli.source})`);
  process.stdout.write(`export PATH="${[...new Set([dirname(server.path), dirname(cli.path)])].join(':')}:$PATH"\n`);
  return 0;
}

export const command = plainCommand({
  name: 'tools',
  summary:
    'Find or build the pinned nats-server and nats CLI (go install, once, into the tools cache) and print a PATH line for them: eval "$(npx zx scripts/tools.mjs)".',
  positionals: 'none',
  flags: { 'dry-run': flag.boolean('say what would be built, build nothing') },
  quiet: () => true,
  run: ({ options, settings }) => tools(settings, options['dry-run']),
});
