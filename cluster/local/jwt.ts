// Operator mode on the local provider (--auth jwt): the keys and JWTs stage 06 configures the
// servers with, and the account changes the servers must learn through their resolver.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { ensureJwtAuth, ensureLeafnodeCreds, type JwtAuth } from '../../core/jwt-store.js';
import { log } from '../../core/log.js';
import { type PushResult, pushAccountJwt } from '../../nats/live/claims.js';
import { clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import type { Credentials } from '../../nats/server-config.js';
import { APP_ACCOUNT, type Topology } from '../../nats/topology.js';
import type { LocalState } from './plan.js';
import { type LocalJwt, regionClientUrls, systemConnection } from './supercluster.js';

/** The operator, the accounts and the edge sites' leafnode users, when the sandbox runs in operator mode (made on first use). */
export async function prepareJwt(
  sandboxDir: string,
  topo: Topology,
  state: LocalState,
  dryRun: boolean,
): Promise<(JwtAuth & { local: LocalJwt }) | undefined> {
  if (state.auth !== 'jwt') return undefined;
  const auth = await ensureJwtAuth(sandboxDir, !dryRun);
  const leafnodeCreds = await ensureLeafnodeCreds(sandboxDir, topo.edges, !dryRun);
  log.info(
    `operator mode: accounts ${Object.keys(auth.accounts).join(', ')} from the resolver of every server; clients use creds files${topo.edges.length ? `; edge sites log in to their hubs as a leafnode user of ${APP_ACCOUNT}` : ''}`,
  );
  return { ...auth, local: { server: auth.server, appAccount: auth.accounts[APP_ACCOUNT]!, leafnodeCreds } };
}

/** Every server that keeps account JWTs: the supercluster's and each edge site's (its own resolver). */
export function jwtServers(topo: Topology): string[] {
  return [...topo.servers.map((s) => s.name), ...topo.edges.flatMap((e) => e.servers)];
}

/**
 * Connections of the system user that reach every resolver: one to the supercluster (one publish
 * reaches all its servers) and one per edge site (its system account is its own, not bridged over
 * the leafnode). Opened before a change, so pushing it is one publish on each.
 */
export async function openPushers(
  topo: Topology,
  state: LocalState,
  credentials: Credentials,
): Promise<{ push(jwt: string): Promise<PushResult>; close(): Promise<void> }> {
  const targets = [
    { options: systemConnection(topo, state, credentials), servers: topo.servers.length },
    ...topo.edges.map((e) => ({
      options: connectionFromEnv(clientEnvFor(credentials, 'sys', regionClientUrls(topo, state, e.name))),
      servers: e.servers.length,
    })),
  ];
  const open: { nc: NatsConnection; servers: number }[] = [];
  try {
    for (const t of targets) open.push({ nc: await connect({ ...t.options, timeout: 5000 }), servers: t.servers });
  } catch (e) {
    await Promise.all(open.map((o) => o.nc.close()));
    throw e;
  }
  return {
    async push(jwt) {
      const each = await Promise.all(open.map((o) => pushAccountJwt(o.nc, jwt, o.servers)));
      return { accepted: each.flatMap((r) => r.accepted), refused: each.flatMap((r) => r.refused) };
    },
    async close() {
      await Promise.all(open.map((o) => o.nc.close()));
    },
  };
}

/**
 * The accounts changed since the servers' configs were made (accounts.mjs) pushed again: a server
 * whose resolver directory was lost starts from the preloaded JWT and learns the current one here.
 */
export async function pushChangedAccounts(topo: Topology, state: LocalState, credentials: Credentials, auth: JwtAuth): Promise<void> {
  const changed = Object.entries(auth.current).filter(([pub, jwt]) => auth.server.preload[pub] !== jwt);
  if (!changed.length) return;
  const pushers = await openPushers(topo, state, credentials);
  const all = jwtServers(topo).length;
  try {
    for (const [pub, jwt] of changed) {
      const r = await pushers.push(jwt);
      if (r.refused.length) throw new SandboxError(`account ${pub}: ${r.refused.map((x) => `${x.server}: ${x.reason}`).join('; ')}`);
      log.info(`account ${pub.slice(0, 8)}…: its current JWT is on ${r.accepted.length} of ${all} servers`);
    }
  } finally {
    await pushers.close();
  }
}
