// NATS CLI contexts for the sandbox: one per cluster and identity, each with that identity's own
// client certificate. Pure: the caller decides whether to print the commands or write the files.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { IDENTITIES, type Identity } from './accounts.js';

/** What `contexts` makes unless told otherwise: the two identities an operator uses. */
export const DEFAULT_CONTEXT_IDENTITIES: readonly Identity[] = ['sys', 'admin'];

/** What each identity is, in the context's description (`nats context ls` shows it). */
const IDENTITY_DESCRIPTIONS: Record<Identity, string> = {
  sys: 'sys (system account: servers, routes, gateways, JetStream meta)',
  admin: 'admin (application account: JetStream, services, anything in the account)',
  math: 'math (least privilege: answers math requests, services discovery)',
  requester: 'requester (least privilege: asks math, publishes answers)',
  recorder: 'recorder (least privilege: reads answers-consumer, acks what it got)',
};

/** A first command to try with each identity, one its permissions allow. */
const IDENTITY_EXAMPLES: Record<Identity, string> = {
  sys: 'server list',
  admin: 'micro ls',
  math: 'micro ls',
  requester: `req math.numbers.add '{"first":1,"second":2}'`,
  recorder: 'consumer info answers answers-consumer',
};

export interface NatsContext {
  name: string;
  identity: Identity;
  description: string;
  url: string;
  ca: string;
  /** mTLS: the client certificate and key that are the identity. */
  cert?: string;
  key?: string;
  /** Operator mode: the creds file that is the identity (the CA still checks the server). */
  creds?: string;
}

/**
 * The identities a comma-separated list names (`all`: every one), in their canonical order and
 * each once; `unknown` holds the words that name none (an empty word included).
 */
export function parseContextIdentities(list: string): { identities: Identity[]; unknown: string[] } {
  const words = list.split(',').map((w) => w.trim());
  const known = new Set<string>([...IDENTITIES, 'all']);
  return {
    identities: IDENTITIES.filter((id) => words.includes(id) || words.includes('all')),
    unknown: words.filter((w) => !known.has(w)),
  };
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
  identities: readonly Identity[] = DEFAULT_CONTEXT_IDENTITIES,
  credsOf: (identity: Identity) => string | undefined = () => undefined,
): NatsContext[] {
  return names.flatMap((cluster) =>
    identities.map((identity) => {
      const dir = certDirOf(identity);
      const creds = credsOf(identity);
      return {
        name: contextName(prefix, cluster, identity),
        identity,
        description: `NATS sandbox ${cluster}, ${IDENTITY_DESCRIPTIONS[identity]}, ${creds ? 'JWT' : 'mTLS'}`,
        url: urlOf(cluster),
        ca: join(dir, 'ca.crt'),
        ...(creds ? { creds } : { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') }),
      };
    }),
  );
}

export function contextName(prefix: string, cluster: string, identity: Identity): string {
  return `${prefix}-${cluster}-${identity}`;
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
    ...(c.creds ? ['--creds', c.creds] : ['--tlscert', c.cert!, '--tlskey', c.key!]),
    '--description',
    c.description,
  ];
}

/** A command to try first (the system context's `server list` when there is one), as shell text. */
export function exampleCommand(contexts: readonly NatsContext[]): string | undefined {
  const c = contexts.find((x) => x.identity === 'sys') ?? contexts[0];
  return c && `nats --context ${c.name} ${IDENTITY_EXAMPLES[c.identity]}`;
}

/** The file the NATS CLI keeps a context in, and its JSON. */
export function contextFile(c: NatsContext, env: NodeJS.ProcessEnv): { path: string; json: string } {
  const base = env.XDG_CONFIG_HOME || join(env.HOME ?? '.', '.config');
  return {
    path: join(base, 'nats', 'context', `${c.name}.json`),
    json: `${JSON.stringify({ description: c.description, url: c.url, ca: c.ca, ...(c.creds ? { creds: c.creds } : { cert: c.cert, key: c.key }) }, null, 2)}\n`,
  };
}
