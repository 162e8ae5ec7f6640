// NATS CLI contexts for the sandbox: system and admin user per cluster, each with its own client
// certificate. Pure: the caller decides whether to print the commands or write the files.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Identity } from './accounts.js';

const CONTEXT_IDENTITIES: readonly Identity[] = ['sys', 'admin'];

export interface NatsContext {
  name: string;
  description: string;
  url: string;
  ca: string;
  cert: string;
  key: string;
}

/**
 * Context names carry a short id of the sandbox (its folder), so two sandboxes on one machine
 * (two checkouts, two SANDBOX_DIRs) never overwrite each other's contexts.
 */
export function contextPrefix(sandboxDir: string): string {
  return `sandbox-${createHash('sha256').update(sandboxDir).digest('hex').slice(0, 4)}`;
}

export function sandboxContexts(
  prefix: string,
  names: string[],
  urlOf: (cluster: string) => string,
  certDirOf: (identity: Identity) => string,
): NatsContext[] {
  return names.flatMap((cluster) =>
    CONTEXT_IDENTITIES.map((identity) => {
      const dir = certDirOf(identity);
      return {
        name: `${prefix}-${cluster}-${identity}`,
        description: `NATS sandbox ${cluster}, ${identity === 'sys' ? 'system account' : 'application account admin'} (mTLS)`,
        url: urlOf(cluster),
        ca: join(dir, 'ca.crt'),
        cert: join(dir, 'tls.crt'),
        key: join(dir, 'tls.key'),
      };
    }),
  );
}

/** The `nats context add` command line that makes this context. */
export function contextAddCommand(c: NatsContext): string[] {
  return [
    'nats',
    'context',
    'add',
    c.name,
    '--server',
    c.url,
    '--tlsca',
    c.ca,
    '--tlscert',
    c.cert,
    '--tlskey',
    c.key,
    '--description',
    c.description,
  ];
}

/** The file the NATS CLI keeps a context in, and its JSON. */
export function contextFile(c: NatsContext, env: NodeJS.ProcessEnv): { path: string; json: string } {
  const base = env.XDG_CONFIG_HOME || join(env.HOME ?? '.', '.config');
  return {
    path: join(base, 'nats', 'context', `${c.name}.json`),
    json: `${JSON.stringify({ description: c.description, url: c.url, ca: c.ca, cert: c.cert, key: c.key }, null, 2)}\n`,
  };
}
