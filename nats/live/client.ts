// How a client process (service, requester, recorder, stage) learns where and as whom it connects.
// The same variables work in a pod (a mounted cert-manager secret dir) and as a local process.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, credsAuthenticator } from '@nats-io/transport-node';
import type { Identity } from '../accounts.js';
import { ClientConfigError } from '../errors.js';
import type { Credentials } from '../server-config.js';

export interface ClientEnv {
  /** Comma-separated server URLs. */
  NATS_URL: string;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  /** Directory holding ca.crt, tls.crt and tls.key (the layout of a cert-manager Secret). */
  NATS_TLS_DIR?: string;
  /** A creds file (user JWT and its seed): the identity in operator mode, over the same TLS. */
  NATS_CREDS?: string;
}

/**
 * How `identity` connects to `urls` with this sandbox's credentials: its client certificate once
 * the PKI exists (the certificate is the identity, no password is handed out), else its password.
 * In operator mode its creds file is the identity; the PKI still gives the CA the server is checked with.
 */
export function clientEnvFor(credentials: Credentials, identity: Identity, urls: readonly string[]): ClientEnv {
  const url = urls.join(',');
  const tlsDir = credentials.clientTls?.[identity];
  const creds = credentials.clientCreds?.[identity];
  if (creds) return { NATS_URL: url, NATS_CREDS: creds, ...(tlsDir ? { NATS_TLS_DIR: tlsDir } : {}) };
  return tlsDir ? { NATS_URL: url, NATS_TLS_DIR: tlsDir } : { NATS_URL: url, NATS_USER: identity, NATS_PASSWORD: credentials[identity] };
}

export { ClientConfigError };

export function connectionFromEnv(env: Readonly<Partial<ClientEnv>>, name?: string): ConnectionOptions {
  const url = env.NATS_URL;
  if (!url) throw new ClientConfigError('NATS_URL is not set (comma-separated nats:// URLs)');
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const tlsDir = env.NATS_TLS_DIR;
  return {
    servers,
    // Without this nats.js builds an Error (a stack trace) for every request and publish in case
    // it times out: a sixth of the requester's CPU. Our failures are reported by kind and message.
    noAsyncTraces: true,
    ...(name ? { name } : {}),
    ...(env.NATS_USER ? { user: env.NATS_USER } : {}),
    ...(env.NATS_PASSWORD ? { pass: env.NATS_PASSWORD } : {}),
    ...(tlsDir ? { tls: { caFile: join(tlsDir, 'ca.crt'), certFile: join(tlsDir, 'tls.crt'), keyFile: join(tlsDir, 'tls.key') } } : {}),
    ...(env.NATS_CREDS ? { authenticator: credsAuthenticator(readCreds(env.NATS_CREDS)) } : {}),
  };
}

function readCreds(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ClientConfigError(`NATS_CREDS: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const CLIENT_KEYS = ['NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_TLS_DIR', 'NATS_CREDS'] as const;

/**
 * A process that hosts roles of several identities (the local services host: math and recorder)
 * gets each identity's connection under its own prefix: RECORDER_NATS_TLS_DIR and so on.
 */
export function prefixedClientEnv(prefix: string, env: ClientEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of CLIENT_KEYS) if (env[k] !== undefined) out[`${prefix}_${k}`] = env[k];
  return out;
}

/** The connection of the identity under `prefix` when the environment has one, else the plain NATS_* one. */
export function scopedClientEnv(env: Readonly<Record<string, string | undefined>>, prefix: string): Partial<ClientEnv> {
  if (!env[`${prefix}_NATS_URL`])
    return {
      NATS_URL: env.NATS_URL,
      NATS_USER: env.NATS_USER,
      NATS_PASSWORD: env.NATS_PASSWORD,
      NATS_TLS_DIR: env.NATS_TLS_DIR,
      NATS_CREDS: env.NATS_CREDS,
    };
  return Object.fromEntries(CLIENT_KEYS.map((k) => [k, env[`${prefix}_${k}`]]));
}
