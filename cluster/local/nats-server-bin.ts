// Find the nats-server binary and its version.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { INSTALL_HINTS } from '../../core/command.js';
import { MissingToolError } from '../../core/errors.js';

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(executable);
}

export interface NatsServerBinary {
  path: string;
  version: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const found = new Map<string, NatsServerBinary>();

/** nats-server on NATS_SERVER_BIN or PATH, with its version (asked once per binary and process). */
export function findNatsServer(env: NodeJS.ProcessEnv, explicit?: string): NatsServerBinary {
  if (explicit && !executable(explicit)) {
    throw new MissingToolError(`NATS_SERVER_BIN is ${explicit}, which is not an executable file\nfix: ${INSTALL_HINTS['nats-server']}`);
  }
  // Debian installs nats-server to /usr/sbin, which is not on every user's PATH.
  const path = explicit ?? onPath('nats-server', env) ?? ['/usr/sbin/nats-server', '/usr/local/sbin/nats-server'].find(executable);
  if (!path) throw new MissingToolError(`nats-server was not found on PATH\nfix: ${INSTALL_HINTS['nats-server']}`);
  const known = found.get(path);
  if (known) return known;
  let out: string;
  try {
    out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  } catch (e) {
    throw new MissingToolError(
      `${path} does not run as nats-server (${(e as Error).message.split('\n')[0]})\nfix: ${INSTALL_HINTS['nats-server']}`,
    );
  }
  const m = /v?(\d+\.\d+\.\d+\S*)/.exec(out);
  if (!m) throw new MissingToolError(`${path} --version printed '${out.trim()}', not a nats-server version`);
  const bin = { path, version: m[1]! };
  found.set(path, bin);
  return bin;
}
