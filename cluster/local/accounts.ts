// Live account changes of a local sandbox in operator mode (accounts.mjs): a user added, a user
// revoked, an account's limits changed, a browser's short-lived user minted. Each change is one account JWT pushed to the resolver of
// every server; a revocation is then judged on every server's own client port.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError, UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { addUser, jwtPaths, revokeUser, setAccountLimits } from '../../core/jwt-store.js';
import { pkiPaths } from '../../core/pki.js';
import { loadCredentials } from '../../core/secrets.js';
import { type Identity, type Permissions, USERS } from '../../nats/accounts.js';
import type { AccountLimits } from '../../nats/jwt-auth.js';
import { APP_ACCOUNT, type Topology } from '../../nats/topology.js';
import { browserInboxPrefix, browserPermissions, WEBSOCKET_CONNECTION } from '../../nats/websocket.js';
import type { Invocation } from '../provider.js';
import { jwtServers, openPushers } from './jwt.js';
import type { LocalState } from './plan.js';
import { readLocalState, resolveLocal } from './state.js';
import { localWebsocketUrls } from './websocket.js';

export type AccountsChange =
  | { kind: 'add-user'; user: string; like?: Identity; expiresInSeconds?: number }
  | { kind: 'revoke'; user: string; timeoutMs: number }
  | { kind: 'limits'; account: string; change: Partial<AccountLimits> }
  | { kind: 'mint-browser-user'; user?: string; ttlSeconds: number };

/** The sandbox the change applies to: a local one, in operator mode. Refused before anything changes. */
export function requireJwtSandbox(inv: Invocation): { topo: Topology; state: LocalState } {
  if (!readLocalState(inv.settings.sandboxDir))
    throw new UsageError(
      `no local sandbox in ${inv.settings.sandboxDir}; install one in operator mode first, e.g. ${commandHint('install', ['c1', 'c2', 'c3'])} --auth jwt`,
    );
  const { topo, state, previous } = resolveLocal(inv);
  if (previous?.auth !== 'jwt')
    throw new UsageError(
      `this sandbox runs mTLS (users mapped from certificates in every server's config); accounts change operator-mode sandboxes, made with --auth jwt: ${commandHint('delete')}, then ${commandHint('install', topo.names)} --auth jwt (or use another SANDBOX_DIR)`,
    );
  return { topo, state };
}

/** Every server's own client URL (the edge sites' too): a revocation counts only once each of them refuses. */
function serverUrls(topo: Topology, state: LocalState): { server: string; url: string }[] {
  return jwtServers(topo).map((server) => ({ server, url: `nats://127.0.0.1:${state.ports[server]!.client}` }));
}

/** `fn` with the system user's connections to every resolver (what pushes account JWTs). */
async function asSystem<T>(topo: Topology, state: LocalState, sandboxDir: string, fn: (push: Pusher) => Promise<T>): Promise<T> {
  const pushers = await openPushers(topo, state, loadCredentials(sandboxDir, {}, false));
  try {
    return await fn(async (jwt) => {
      const r = await pushers.push(jwt);
      if (r.refused.length)
        throw new SandboxError(`servers refused the account JWT: ${r.refused.map((x) => `${x.server}: ${x.reason}`).join('; ')}`);
      return r.accepted.length;
    });
  } finally {
    await pushers.close();
  }
}

/** Push an account JWT to every server; the number that stored it. */
type Pusher = (jwt: string) => Promise<number>;

/** A connection with these creds to one server only (the sandbox CA checks it), no reconnect. */
function connectAs(creds: Uint8Array, url: string, sandboxDir: string): Promise<NatsConnection> {
  return connect({
    servers: [url],
    tls: { caFile: pkiPaths(sandboxDir).caCert },
    authenticator: credsAuthenticator(creds),
    reconnect: false,
    timeout: 5000,
  });
}

const refusal = (e: unknown) => /authoriz|revoked|authentication/i.test(String((e as Error)?.message ?? e));

/** How long after `since` the server stopped accepting these creds (polled every 20 ms). */
async function refusedAfter(creds: Uint8Array, url: string, sandboxDir: string, since: number, timeoutMs: number): Promise<number> {
  for (;;) {
    try {
      const nc = await connectAs(creds, url, sandboxDir);
      await nc.close();
    } catch (e) {
      if (refusal(e)) return Date.now() - since;
      throw new SandboxError(`${url}: ${(e as Error).message}`);
    }
    if (Date.now() - since > timeoutMs) throw new SandboxError(`${url} still accepts the revoked user after ${timeoutMs} ms`);
    await sleep(20);
  }
}

export interface RevokeReport {
  user: string;
  account: string;
  key: string;
  servers: number;
  /** Servers that stored the new account JWT when it was pushed. */
  pushedTo: number;
  /**
   * Per server, milliseconds from the push until it closed the connection the user had open
   * there: the moment that server applied the revocation (no client work in the measure).
   */
  closedAfterMs: Record<string, number>;
  lastClosedMs: number;
  lastClosedServer: string;
  /**
   * Per server, milliseconds from the push until a new connection of the user's was refused,
   * polled after the closes (an upper bound: it includes this process's connects).
   */
  refusedAfterMs: Record<string, number>;
  lastRefusedMs: number;
}

export type AccountsReport =
  | { kind: 'add-user'; user: string; account: string; creds: string; expiresAt?: number }
  | ({ kind: 'revoke' } & RevokeReport)
  | { kind: 'limits'; account: string; limits: AccountLimits; servers: number; pushedTo: number }
  | ({ kind: 'mint-browser-user' } & BrowserUser);

/** A browser's user: its creds file (its JWT and its own seed, nothing of its account's), and how to use it. */
export interface BrowserUser {
  user: string;
  account: string;
  creds: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The client must set it as nats.js `inboxPrefix`: the only inbox it may subscribe to. */
  inboxPrefix: string;
  permissions: Permissions;
  /** The only way it may connect. */
  connectionTypes: string[];
  /** Region -> its websocket URLs. */
  websockets: Record<string, string[]>;
}

export async function applyAccountsChange(inv: Invocation, change: AccountsChange): Promise<AccountsReport> {
  const sandboxDir = inv.settings.sandboxDir;
  const { topo, state } = requireJwtSandbox(inv);
  if (change.kind === 'add-user') {
    const spec = change.like ? USERS.find((u) => u.identity === change.like)! : undefined;
    const account = spec?.account ?? USERS.find((u) => u.identity === 'admin')!.account;
    const expiresAt = change.expiresInSeconds ? Math.floor(Date.now() / 1000) + change.expiresInSeconds : undefined;
    // A new user needs no server change: its JWT is signed by a key its account already trusts.
    const creds = await addUser(sandboxDir, change.user, account, spec?.permissions, expiresAt);
    return { kind: 'add-user', user: change.user, account, creds, ...(expiresAt ? { expiresAt } : {}) };
  }
  if (change.kind === 'mint-browser-user')
    return { kind: 'mint-browser-user', ...(await mintBrowserUser(topo, state, sandboxDir, change)) };
  if (change.kind === 'limits') {
    const { jwt, limits } = await setAccountLimits(sandboxDir, change.account, change.change);
    const pushedTo = await asSystem(topo, state, sandboxDir, (push) => push(jwt));
    return { kind: 'limits', account: change.account, limits, servers: jwtServers(topo).length, pushedTo };
  }
  return { kind: 'revoke', ...(await revoke(topo, state, sandboxDir, change.user, change.timeoutMs)) };
}

/** `fn` over `items`, at most `limit` at once: each connect costs this process a TLS handshake and a signature. */
async function pooled<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i]!) };
      } catch (e) {
        out[i] = { status: 'rejected', reason: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const CONNECTS_AT_ONCE = 6;

/**
 * Revoke `user` and measure it on every server: a connection of the user's opened on each first,
 * each server's close of it timed from the push, then a new connection refused by each.
 */
export async function revoke(
  topo: Topology,
  state: LocalState,
  sandboxDir: string,
  user: string,
  timeoutMs: number,
): Promise<RevokeReport> {
  const file = jwtPaths(sandboxDir).creds(user);
  if (!existsSync(file)) throw new UsageError(`no user ${user} in this sandbox (no ${file})`);
  const creds = readFileSync(file);
  const servers = serverUrls(topo, state);
  // A connection of the user's on every server first: accepted everywhere (a refusal afterwards is
  // the revocation's doing), and each server's own signal of the moment it applied it: it closes it.
  const opened = await pooled(servers, CONNECTS_AT_ONCE, async (s) => ({
    server: s.server,
    nc: await connectAs(creds, s.url, sandboxDir),
  }));
  const open = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.findIndex((o) => o.status === 'rejected');
  if (failed >= 0) {
    await Promise.all(open.map((o) => o.nc.close()));
    const why = (opened[failed] as PromiseRejectedResult).reason as Error;
    throw new SandboxError(`${servers[failed]!.server} refuses ${user} before the revocation (${why.message}); nothing was changed`);
  }
  // Connected before the clock starts: the time measured is the servers', from the one publish on.
  let since = 0;
  const closing = Promise.all(
    open.map(async (o) => {
      await o.nc.closed();
      return [o.server, Date.now() - since] as const;
    }),
  );
  const { r, pushedTo } = await asSystem(topo, state, sandboxDir, async (push) => {
    const r = await revokeUser(sandboxDir, user);
    since = Date.now();
    return { r, pushedTo: await push(r.jwt) };
  });
  const closed = await Promise.race([closing, sleep(timeoutMs).then(() => undefined)]);
  if (!closed) {
    const still = open.filter((o) => !o.nc.isClosed()).map((o) => o.server);
    await Promise.all(open.map((o) => o.nc.close()));
    throw new SandboxError(`after ${timeoutMs} ms ${still.join(', ')} still keep ${user}'s connection open`);
  }
  // Then a new connection to each server's own client port: refused.
  const polled = await pooled(
    servers,
    CONNECTS_AT_ONCE,
    async (s) => [s.server, await refusedAfter(creds, s.url, sandboxDir, since, timeoutMs)] as const,
  );
  const notRefused = polled.find((p) => p.status === 'rejected') as PromiseRejectedResult | undefined;
  if (notRefused) throw notRefused.reason;
  const refused = polled.map((p) => (p as PromiseFulfilledResult<readonly [string, number]>).value);
  const lastClosed = closed.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    user,
    account: r.account,
    key: r.pub,
    servers: servers.length,
    pushedTo,
    closedAfterMs: Object.fromEntries(closed),
    lastClosedMs: lastClosed[1],
    lastClosedServer: lastClosed[0],
    refusedAfterMs: Object.fromEntries(refused),
    lastRefusedMs: Math.max(...refused.map((x) => x[1])),
  };
}

/**
 * A user for a browser: signed by the application account's signing key (a key the servers trust
 * already, so no server changes), expiring after `ttlSeconds`, over websockets only, that may ask
 * the math services and read its own replies (nats/websocket.ts). Kept as a creds file like any
 * added user, so `accounts revoke` can take it back before it expires.
 */
async function mintBrowserUser(
  topo: Topology,
  state: LocalState,
  sandboxDir: string,
  change: { user?: string; ttlSeconds: number },
): Promise<BrowserUser> {
  const token = randomBytes(6).toString('hex');
  const user = change.user ?? `browser-${token}`;
  const inboxPrefix = browserInboxPrefix(token);
  const permissions = browserPermissions(inboxPrefix);
  const expiresAt = Math.floor(Date.now() / 1000) + change.ttlSeconds;
  const creds = await addUser(sandboxDir, user, APP_ACCOUNT, permissions, expiresAt, [WEBSOCKET_CONNECTION]);
  return {
    user,
    account: APP_ACCOUNT,
    creds,
    expiresAt,
    inboxPrefix,
    permissions,
    connectionTypes: [WEBSOCKET_CONNECTION],
    websockets: localWebsocketUrls(topo, state),
  };
}
