// Operator mode (--auth jwt): the claims of the accounts and users, and the part of a server's
// config that trusts the operator. Pure: keys and signing live in core/jwt-store.ts.
// The same least privilege as the mTLS users (accounts.ts), expressed in JWTs.
import type { Account, ConnectionType, Permissions as JwtPermissions, OperatorLimits, User } from '@nats-io/jwt';
import { type Identity, type Permissions, USERS } from './accounts.js';
import type { ConfValue } from './conf.js';
import { APP_ACCOUNT, SYSTEM_ACCOUNT } from './topology.js';

/** How clients prove who they are: a mapped certificate (the default) or a user JWT (operator mode). */
export type AuthMode = 'mtls' | 'jwt';
export const AUTH_MODES: readonly AuthMode[] = ['mtls', 'jwt'];

/** The accounts operator mode makes, by the names the mTLS config gives them. */
export const JWT_ACCOUNTS = [SYSTEM_ACCOUNT, APP_ACCOUNT] as const;

/** What an account may use; -1: no limit (nats-server's and nsc's default). */
export interface AccountLimits {
  connections: number;
  /** JetStream file storage in bytes; undefined: no JetStream (the system account). */
  jsDiskBytes?: number;
  jsMemoryBytes?: number;
}

export const UNLIMITED = -1;

/** The application account's limits before `accounts limits` changes them: none, JetStream on. */
export const DEFAULT_APP_LIMITS: AccountLimits = { connections: UNLIMITED, jsDiskBytes: UNLIMITED, jsMemoryBytes: UNLIMITED };
export const DEFAULT_SYS_LIMITS: AccountLimits = { connections: UNLIMITED };

export function defaultLimits(account: string): AccountLimits {
  return account === SYSTEM_ACCOUNT ? DEFAULT_SYS_LIMITS : DEFAULT_APP_LIMITS;
}

/**
 * An account's claims: its limits, the one signing key its users are signed with (the identity
 * key then stays offline: a leaked signing key is replaced without re-creating the account) and
 * the users it revoked (public key -> seconds since the epoch; JWTs issued before are refused).
 */
export function accountClaims(limits: AccountLimits, signingKey: string, revocations: Record<string, number> = {}): Partial<Account> {
  const js: OperatorLimits =
    limits.jsDiskBytes === undefined
      ? {}
      : { disk_storage: limits.jsDiskBytes, mem_storage: limits.jsMemoryBytes ?? UNLIMITED, streams: UNLIMITED, consumer: UNLIMITED };
  return {
    // Unset fields decode as 0 (nothing allowed) on the server: every limit is spelled out.
    limits: {
      subs: UNLIMITED,
      data: UNLIMITED,
      payload: UNLIMITED,
      imports: UNLIMITED,
      exports: UNLIMITED,
      wildcards: true,
      conn: limits.connections,
      leaf: UNLIMITED,
      ...js,
    },
    signing_keys: [signingKey],
    ...(Object.keys(revocations).length ? { revocations } : {}),
  };
}

/** The limits an account's claims carry (what `accounts limits` starts from). */
export function limitsOf(claims: Partial<Account>): AccountLimits {
  const l = claims.limits ?? {};
  const js = l.disk_storage !== undefined && l.disk_storage !== 0;
  return {
    connections: l.conn ?? UNLIMITED,
    ...(js ? { jsDiskBytes: l.disk_storage!, jsMemoryBytes: l.mem_storage ?? UNLIMITED } : {}),
  };
}

function jwtPermissions(p: Permissions): JwtPermissions {
  return {
    pub: { allow: [...p.publish] },
    sub: { allow: [...p.subscribe] },
    // max 1, ttl 0 (the server's default, two minutes): what `allow_responses: true` means in a config.
    ...(p.allowResponses ? { resp: { max: 1, ttl: 0 } } : {}),
  };
}

/**
 * A user's claims: its identity's permissions (none: everything in its account), as in accounts.ts;
 * with `connectionTypes`, the only ways it may connect (e.g. WEBSOCKET; none: any).
 */
export function userClaims(
  permissions: Permissions | undefined,
  expiresAt?: number,
  connectionTypes?: readonly ConnectionType[],
): { user: Partial<User>; exp?: number } {
  return {
    user: {
      ...(permissions ? jwtPermissions(permissions) : {}),
      ...(connectionTypes?.length ? { allowed_connection_types: [...connectionTypes] } : {}),
    },
    ...(expiresAt ? { exp: expiresAt } : {}),
  };
}

/** The permissions a built-in identity has (accounts.ts), and its account. */
export function identitySpec(identity: Identity): { account: string; permissions?: Permissions } {
  const u = USERS.find((x) => x.identity === identity);
  if (!u) throw new Error(`no user ${identity}`);
  return { account: u.account, ...(u.permissions ? { permissions: u.permissions } : {}) };
}

/**
 * The leafnode user an edge site's server logs in to its hubs with: a user of the application
 * account, allowed what crosses the link today and nothing else. Its permissions are the edge's
 * view (nats-server reverses them on the hub, server/leafnode.go): publish is what the edge sends
 * into the hub, subscribe is what the hub sends to the edge.
 */
export function leafnodePermissions(domain: string): Permissions {
  return {
    publish: [
      'math.numbers.>', // asked at the edge, answered by its hub when the edge's services are gone
      'answers.*', // the requester's answers, into the hub's answers stream
      '_INBOX.>', // replies: to the hub's JetStream API calls, discovery, acks of the edge's stream
      '$JS.S.>', // the edge stream's messages to the hub's `edges` stream, which sources it
      '$JSC.R.>', // the edge's answers to that source's consumer requests (server/stream.go infoReplySubject)
    ],
    subscribe: [
      '_INBOX.>', // replies to the edge's requests and publish acks
      `$JS.${domain}.API.>`, // the edge's JetStream, asked by its domain from the supercluster
      '$JS.FC.>', // flow control of the source consumer
      '$SRV.>', // the services discovery of status and the page, which lists the edge's services
    ],
  };
}

/** What a server needs to trust the operator and learn accounts from its peers. */
export interface JwtServerAuth {
  operatorJwt: string;
  /** Public key of the system account. */
  systemAccount: string;
  /** Account public key -> the JWT every server starts with (later changes come through the resolver). */
  preload: Record<string, string>;
}

/**
 * The config keys that replace `accounts` in operator mode: the operator, the system account by
 * its key, and the full resolver (every server keeps every account JWT in `resolverDir` and
 * passes updates on), preloaded so a new supercluster starts with its accounts.
 */
export function jwtAuthConfig(auth: JwtServerAuth, resolverDir: string): Record<string, ConfValue> {
  return {
    operator: auth.operatorJwt,
    system_account: auth.systemAccount,
    resolver: { type: 'full', dir: resolverDir },
    resolver_preload: { ...auth.preload },
  };
}
