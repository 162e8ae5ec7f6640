// Credentials: from the environment (.env) when set, otherwise generated on first use into a
// mode-0600 file under the sandbox and reused later. Never committed, never printed in full.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDENTITIES } from '../nats/accounts.js';
import type { Credentials } from '../nats/server-config.js';
import { identityCreds } from './jwt-store.js';
import { addSecret } from './log.js';
import { pkiPaths } from './pki.js';

const SECRETS_FILE = 'secrets.json';

const GENERATED = {
  sys: 'NATS_SYS_PASSWORD',
  admin: 'NATS_ADMIN_PASSWORD',
  math: 'NATS_MATH_PASSWORD',
  requester: 'NATS_REQUESTER_PASSWORD',
  recorder: 'NATS_RECORDER_PASSWORD',
  gateway: 'NATS_GATEWAY_PASSWORD',
  route: 'NATS_ROUTE_PASSWORD',
} as const;
type SecretKey = keyof typeof GENERATED;

/** 24 random bytes, base64url: 192 bits, safe inside URLs and config files. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

function secretsPath(sandboxDir: string): string {
  return join(sandboxDir, SECRETS_FILE);
}

function readStored(file: string): Partial<Record<SecretKey, string>> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretKey, string>>;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); delete it to generate new credentials`);
  }
}

/**
 * Credentials for the system and application accounts, gateways and routes.
 * With `persist` false (dry-run) nothing is written: missing values are generated in memory.
 */
export function loadCredentials(sandboxDir: string, env: NodeJS.ProcessEnv, persist: boolean): Credentials {
  const file = secretsPath(sandboxDir);
  const stored = readStored(file);
  let changed = false;
  const values = {} as Record<SecretKey, string>;
  for (const key of Object.keys(GENERATED) as SecretKey[]) {
    const fromEnv = env[GENERATED[key]];
    if (fromEnv) {
      values[key] = fromEnv;
    } else {
      if (!stored[key]) {
        stored[key] = generatePassword();
        changed = true;
      }
      values[key] = stored[key]!;
    }
    addSecret(values[key]);
  }
  if (changed && persist) {
    mkdirSync(sandboxDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const clientTls = Object.fromEntries(
    IDENTITIES.map((id) => [id, pkiPaths(sandboxDir).client(id)] as const).filter(
      ([, dir]) => existsSync(join(dir, 'tls.crt')) && existsSync(join(dir, 'tls.key')),
    ),
  );
  // Operator mode: the creds files are the identities (core/jwt-store.ts).
  const clientCreds = identityCreds(sandboxDir);
  return {
    ...(Object.keys(clientTls).length ? { clientTls } : {}),
    ...(Object.keys(clientCreds).length ? { clientCreds } : {}),
    sys: values.sys,
    admin: values.admin,
    math: values.math,
    requester: values.requester,
    recorder: values.recorder,
    gateway: { user: 'gateway', password: values.gateway },
    route: { user: 'route', password: values.route },
  };
}
