// How a client process (service, requester, recorder, stage) learns where and as whom it connects.
// The same variables work in a pod (a mounted cert-manager secret dir) and as a local process.

import { join } from 'node:path';
import type { ConnectionOptions } from '@nats-io/transport-node';
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
}

/**
 * How `identity` connects to `urls` with this sandbox's credentials: its client certificate once
 * the PKI exists (the certificate is the identity, no password is handed out), else its password.
 */
export function clientEnvFor(credentials: Credentials, identity: Identity, urls: readonly string[]): ClientEnv {
  const url = urls.join(',');
  const tlsDir = credentials.clientTls?.[identity];
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
    ...(name ? { name } : {}),
    ...(env.NATS_USER ? { user: env.NATS_USER } : {}),
    ...(env.NATS_PASSWORD ? { pass: env.NATS_PASSWORD } : {}),
    ...(tlsDir ? { tls: { caFile: join(tlsDir, 'ca.crt'), certFile: join(tlsDir, 'tls.crt'), keyFile: join(tlsDir, 'tls.key') } } : {}),
  };
}
