// Operator mode's keys, JWTs and creds files under <sandbox>/jwt (directories 0700, files 0600),
// made on first use and reused: the operator signs the accounts, each account's signing key signs
// its users. Never in git, never printed. The claims themselves are nats/jwt-auth.ts.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Account, type ConnectionType, decode, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from '@nats-io/nkeys';
import { IDENTITIES, type Identity, type Permissions } from '../nats/accounts.js';
import {
  type AccountLimits,
  accountClaims,
  defaultLimits,
  identitySpec,
  JWT_ACCOUNTS,
  type JwtServerAuth,
  leafnodePermissions,
  limitsOf,
  userClaims,
} from '../nats/jwt-auth.js';
import { APP_ACCOUNT, SYSTEM_ACCOUNT } from '../nats/topology.js';
import { UsageError } from './errors.js';
import { addSecret } from './log.js';

export const OPERATOR_NAME = 'sandbox';

export function jwtPaths(sandboxDir: string) {
  const root = join(sandboxDir, 'jwt');
  const account = (name: string) => join(root, 'accounts', name);
  return {
    root,
    operatorSeed: join(root, 'operator.nk'),
    operatorJwt: join(root, 'operator.jwt'),
    account,
    identitySeed: (name: string) => join(account(name), 'identity.nk'),
    signingSeed: (name: string) => join(account(name), 'signing.nk'),
    /** The account as it is now: what `accounts` changes and pushes. */
    accountJwt: (name: string) => join(account(name), 'account.jwt'),
    /** The account as first made: what every server config preloads (stable, so a change restarts no server). */
    preloadJwt: (name: string) => join(account(name), 'preload.jwt'),
    users: join(root, 'users'),
    creds: (user: string) => join(root, 'users', `${user}.creds`),
    /** The leafnode user of an edge site's servers: apart from the users, no client's identity. */
    leafnodeCreds: (edge: string) => join(root, 'leafnodes', `${edge}.creds`),
  };
}

/** Whether the sandbox hands out creds (it runs in operator mode). */
export function jwtActive(sandboxDir: string): boolean {
  return existsSync(jwtPaths(sandboxDir).users) && readdirSync(jwtPaths(sandboxDir).users).some((f) => f.endsWith('.creds'));
}

/** The creds file of each built-in identity, when the sandbox runs in operator mode. */
export function identityCreds(sandboxDir: string): Partial<Record<Identity, string>> {
  if (!jwtActive(sandboxDir)) return {};
  return Object.fromEntries(IDENTITIES.map((id) => [id, jwtPaths(sandboxDir).creds(id)] as const).filter(([, file]) => existsSync(file)));
}

function writeSecret(file: string, text: string | Uint8Array): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
}

/** A seed from its file, or a new key written there (in memory only when not persisting). */
function seedKey(file: string, create: () => KeyPair, persist: boolean): KeyPair {
  if (existsSync(file)) return fromSeed(new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
  const kp = create();
  if (persist) writeSecret(file, `${new TextDecoder().decode(kp.getSeed())}\n`);
  return kp;
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);

interface Store {
  dir: string;
  persist: boolean;
}

async function ensureAccount(s: Store, operator: KeyPair, name: string): Promise<{ pub: string; jwt: string; preload: string }> {
  const p = jwtPaths(s.dir);
  const id = seedKey(p.identitySeed(name), createAccount, s.persist);
  const sk = seedKey(p.signingSeed(name), createAccount, s.persist);
  let jwt = readText(p.accountJwt(name));
  if (!jwt) {
    jwt = await encodeAccount(name, id, accountClaims(defaultLimits(name), sk.getPublicKey()), { signer: operator });
    if (s.persist) writeSecret(p.accountJwt(name), `${jwt}\n`);
  }
  let preload = readText(p.preloadJwt(name));
  if (!preload) {
    preload = jwt;
    if (s.persist) writeSecret(p.preloadJwt(name), `${preload}\n`);
  }
  return { pub: id.getPublicKey(), jwt, preload };
}

async function mintCreds(
  s: Store,
  user: string,
  account: string,
  permissions: Permissions | undefined,
  expiresAt?: number,
  connectionTypes?: readonly ConnectionType[],
  file = jwtPaths(s.dir).creds(user),
) {
  const p = jwtPaths(s.dir);
  const accountPub = fromSeed(new TextEncoder().encode(readText(p.identitySeed(account))!)).getPublicKey();
  const sk = fromSeed(new TextEncoder().encode(readText(p.signingSeed(account))!));
  const ukp = createUser();
  const claims = userClaims(permissions, expiresAt, connectionTypes);
  const jwt = await encodeUser(user, ukp, accountPub, claims.user, { signer: sk, ...(claims.exp ? { exp: claims.exp } : {}) });
  const creds = fmtCreds(jwt, ukp);
  addSecret(new TextDecoder().decode(ukp.getSeed()));
  if (s.persist) writeSecret(file, creds);
  return file;
}

export interface JwtAuth {
  server: JwtServerAuth;
  /** Account public key -> its JWT as it is now (newer than the preload after a change). */
  current: Record<string, string>;
  /** Account name -> public key. */
  accounts: Record<string, string>;
}

/**
 * The operator, the accounts and a creds file per built-in identity: read when they exist, made
 * when not (with `persist` false, a dry run, made in memory only).
 */
export async function ensureJwtAuth(sandboxDir: string, persist: boolean): Promise<JwtAuth> {
  const s: Store = { dir: sandboxDir, persist };
  const p = jwtPaths(sandboxDir);
  if (persist) mkdirSync(p.root, { recursive: true, mode: 0o700 });
  const operator = seedKey(p.operatorSeed, createOperator, persist);
  const made = Object.fromEntries(await Promise.all(JWT_ACCOUNTS.map(async (a) => [a, await ensureAccount(s, operator, a)] as const)));
  const systemAccount = made[SYSTEM_ACCOUNT]!.pub;
  let operatorJwt = readText(p.operatorJwt);
  if (!operatorJwt || decode<{ system_account?: string }>(operatorJwt).nats.system_account !== systemAccount) {
    operatorJwt = await encodeOperator(OPERATOR_NAME, operator, { system_account: systemAccount });
    if (persist) writeSecret(p.operatorJwt, `${operatorJwt}\n`);
  }
  if (persist) {
    for (const id of IDENTITIES) {
      if (existsSync(p.creds(id))) continue;
      const spec = identitySpec(id);
      await mintCreds(s, id, spec.account, spec.permissions);
    }
  }
  return {
    server: { operatorJwt, systemAccount, preload: Object.fromEntries(Object.values(made).map((a) => [a.pub, a.preload])) },
    current: Object.fromEntries(Object.values(made).map((a) => [a.pub, a.jwt])),
    accounts: Object.fromEntries(Object.entries(made).map(([name, a]) => [name, a.pub])),
  };
}

/**
 * A creds file per edge site for its leafnode remotes: a user of the application account, signed
 * by its signing key, allowed only what crosses (nats/jwt-auth.ts leafnodePermissions). Made once.
 */
export async function ensureLeafnodeCreds(
  sandboxDir: string,
  edges: readonly { name: string; domain: string }[],
  persist: boolean,
): Promise<Record<string, string>> {
  const s: Store = { dir: sandboxDir, persist };
  const out: Record<string, string> = {};
  for (const e of edges) {
    const file = jwtPaths(sandboxDir).leafnodeCreds(e.name);
    out[e.name] = existsSync(file)
      ? file
      : await mintCreds(s, `leafnode-${e.name}`, APP_ACCOUNT, leafnodePermissions(e.domain), undefined, undefined, file);
  }
  return out;
}

/** Account public key -> its name, for what servers report by key (LEAFZ in operator mode). */
export function accountNames(sandboxDir: string): Record<string, string> {
  return Object.fromEntries(
    JWT_ACCOUNTS.flatMap((a) => {
      const jwt = readText(jwtPaths(sandboxDir).accountJwt(a));
      return jwt ? [[decode(jwt).sub, a] as const] : [];
    }),
  );
}

// --- live changes (the accounts command) -----------------------------------------------------------

const USER_NAME = /^[a-z][a-z0-9-]{0,30}$/;

function requireAccount(sandboxDir: string, account: string): void {
  if (!existsSync(jwtPaths(sandboxDir).accountJwt(account))) {
    throw new UsageError(`no account ${account} in ${jwtPaths(sandboxDir).root}; accounts: ${JWT_ACCOUNTS.join(', ')}`);
  }
}

/**
 * A new user of `account` with `permissions` (none: everything in its account), signed by the
 * account's signing key; with `connectionTypes`, it may connect only those ways.
 */
export async function addUser(
  sandboxDir: string,
  user: string,
  account: string,
  permissions: Permissions | undefined,
  expiresAt?: number,
  connectionTypes?: readonly ConnectionType[],
): Promise<string> {
  if (!USER_NAME.test(user))
    throw new UsageError(`a user name is lower-case letters, digits and '-', starting with a letter; got '${user}'`);
  if ((IDENTITIES as readonly string[]).includes(user)) throw new UsageError(`${user} is a built-in identity; choose another name`);
  if (existsSync(jwtPaths(sandboxDir).creds(user))) throw new UsageError(`user ${user} exists (${jwtPaths(sandboxDir).creds(user)})`);
  requireAccount(sandboxDir, account);
  return mintCreds({ dir: sandboxDir, persist: true }, user, account, permissions, expiresAt, connectionTypes);
}

/** The user a creds file holds: its public key and account. */
export function credsUser(file: string): { pub: string; account: string; name: string } {
  const jwt = readFileSync(file, 'utf8').match(/-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END/)?.[1];
  if (!jwt) throw new UsageError(`${file} is not a NATS creds file`);
  const c = decode<{ issuer_account?: string }>(jwt);
  return { pub: c.sub, account: c.nats.issuer_account ?? c.iss, name: c.name };
}

function accountNameOf(sandboxDir: string, pub: string): string {
  const name = JWT_ACCOUNTS.find(
    (a) => readText(jwtPaths(sandboxDir).accountJwt(a)) && decode(readText(jwtPaths(sandboxDir).accountJwt(a))!).sub === pub,
  );
  if (!name) throw new UsageError(`no account with key ${pub} in ${jwtPaths(sandboxDir).root}`);
  return name;
}

/** Re-sign `account` with `change` applied to its claims; the new JWT is saved and returned. */
async function reissue(sandboxDir: string, account: string, change: (claims: Partial<Account>) => Partial<Account>): Promise<string> {
  const p = jwtPaths(sandboxDir);
  const operator = fromSeed(new TextEncoder().encode(readText(p.operatorSeed)!));
  const id = fromSeed(new TextEncoder().encode(readText(p.identitySeed(account))!));
  const claims = decode<Account>(readText(p.accountJwt(account))!).nats;
  const { type: _t, version: _v, ...kept } = claims as Account;
  const jwt = await encodeAccount(account, id, change(kept), { signer: operator });
  writeSecret(p.accountJwt(account), `${jwt}\n`);
  return jwt;
}

/**
 * Revoke a user: its account lists its key with the time now, so the JWTs it was issued are
 * refused; its creds file is removed. Returns the account's new JWT and the user's key.
 */
export async function revokeUser(
  sandboxDir: string,
  user: string,
  now = Date.now(),
): Promise<{ account: string; jwt: string; pub: string }> {
  const file = jwtPaths(sandboxDir).creds(user);
  if (!existsSync(file)) throw new UsageError(`no user ${user} (no ${file})`);
  const u = credsUser(file);
  const account = accountNameOf(sandboxDir, u.account);
  // Seconds, rounded up: a JWT issued within this second is revoked too.
  const at = Math.ceil(now / 1000);
  const jwt = await reissue(sandboxDir, account, (c) => ({ ...c, revocations: { ...(c.revocations ?? {}), [u.pub]: at } }));
  rmSync(file);
  return { account, jwt, pub: u.pub };
}

/** Change an account's limits; returns its new JWT and the limits it now has. */
export async function setAccountLimits(
  sandboxDir: string,
  account: string,
  change: Partial<AccountLimits>,
): Promise<{ jwt: string; limits: AccountLimits }> {
  requireAccount(sandboxDir, account);
  if (account === SYSTEM_ACCOUNT && (change.jsDiskBytes !== undefined || change.jsMemoryBytes !== undefined))
    throw new UsageError(`the system account ${SYSTEM_ACCOUNT} has no JetStream; its storage cannot be limited`);
  let limits: AccountLimits | undefined;
  const jwt = await reissue(sandboxDir, account, (c) => {
    limits = { ...limitsOf(c), ...change };
    const signing = (c.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key));
    const next = accountClaims(limits, signing[0]!, c.revocations ?? {});
    return { ...c, ...next };
  });
  return { jwt, limits: limits! };
}
