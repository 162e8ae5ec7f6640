// Operator mode on the local provider (--auth jwt): the keys and JWTs stage 06 configures the
// servers with, and the account changes the servers must learn through their resolver.
import { connect } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { ensureJwtAuth, type JwtAuth } from '../../core/jwt-store.js';
import { log } from '../../core/log.js';
import { pushAccountJwt } from '../../nats/live/claims.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './plan.js';
import { systemConnection } from './supercluster.js';

/** The operator and accounts when the sandbox runs in operator mode (made on first use). */
export async function prepareJwt(sandboxDir: string, state: LocalState, dryRun: boolean): Promise<JwtAuth | undefined> {
  if (state.auth !== 'jwt') return undefined;
  const auth = await ensureJwtAuth(sandboxDir, !dryRun);
  log.info(`operator mode: accounts ${Object.keys(auth.accounts).join(', ')} from the resolver of every server; clients use creds files`);
  return auth;
}

/**
 * The accounts changed since the servers' configs were made (accounts.mjs) pushed again: a server
 * whose resolver directory was lost starts from the preloaded JWT and learns the current one here.
 */
export async function pushChangedAccounts(topo: Topology, state: LocalState, credentials: Credentials, auth: JwtAuth): Promise<void> {
  const changed = Object.entries(auth.current).filter(([pub, jwt]) => auth.server.preload[pub] !== jwt);
  if (!changed.length) return;
  const nc = await connect({ ...systemConnection(topo, state, credentials), timeout: 5000 });
  try {
    for (const [pub, jwt] of changed) {
      const r = await pushAccountJwt(nc, jwt, topo.servers.length);
      if (r.refused.length) throw new SandboxError(`account ${pub}: ${r.refused.map((x) => `${x.server}: ${x.reason}`).join('; ')}`);
      log.info(`account ${pub.slice(0, 8)}…: its current JWT is on ${r.accepted.length} of ${topo.servers.length} servers`);
    }
  } finally {
    await nc.close();
  }
}
