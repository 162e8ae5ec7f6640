// The pinned NATS tools for the tests: nats-server (NATS_SERVER_BIN, the tools cache, a build now,
// or PATH, as the sandbox itself finds it) and the nats CLI that judges the sandbox from outside.
import type { TestContext } from 'node:test';
import { resolveNatsServer } from '../../cluster/local/nats-server-bin.js';
import { createRunner } from '../../core/command.js';
import { locateGoTool, NATS_CLI, NATS_CLI_VERSION } from '../../core/go-tool.js';
import { NATS_SERVER_VERSION } from '../../core/settings.js';

const quiet = () => undefined;

/** The nats-server the sandbox would run here (built into the cache when Go is installed). */
export async function natsServerBin(): Promise<{ path: string; version: string }> {
  return resolveNatsServer({
    env: process.env,
    pinned: process.env.NATS_SERVER_VERSION || NATS_SERVER_VERSION,
    ...(process.env.NATS_SERVER_BIN ? { explicit: process.env.NATS_SERVER_BIN } : {}),
    runner: createRunner(false),
    say: quiet,
    warn: quiet,
  });
}

/**
 * The nats CLI (natscli, pinned), or undefined after saying why the test is skipped. In CI a
 * missing CLI fails the test instead: `.ci/run` builds it, so its absence is a broken set-up.
 */
export async function natsCli(t: TestContext): Promise<string | undefined> {
  const explicit = process.env[NATS_CLI.binEnv];
  const found = await locateGoTool(NATS_CLI, NATS_CLI_VERSION, {
    env: process.env,
    ...(explicit ? { explicit } : {}),
    runner: createRunner(false),
    say: quiet,
  });
  if (found) return found.path;
  const why = `the nats CLI (natscli v${NATS_CLI_VERSION}) is missing: install Go or set ${NATS_CLI.binEnv}; \`bash .ci/run\` builds it`;
  if (process.env.CI) throw new Error(why);
  t.skip(why);
  return undefined;
}
