// The operator's keys, accounts and creds files, as the servers will read them: made once, kept
// private, users signed by a signing key, and the config they give accepted by nats-server -t.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decode } from '@nats-io/jwt';
import { assignPorts } from '../../../cluster/local/ports.js';
import { UsageError } from '../../../core/errors.js';
import { addUser, credsUser, ensureJwtAuth, jwtPaths, revokeUser, setAccountLimits } from '../../../core/jwt-store.js';
import { loadCredentials } from '../../../core/secrets.js';
import { localAddressing } from '../../../nats/addressing.js';
import { toNatsConf } from '../../../nats/conf.js';
import { identitySpec } from '../../../nats/jwt-auth.js';
import { serverConfig } from '../../../nats/server-config.js';
import { buildTopology, serverByName } from '../../../nats/topology.js';
import { natsServerBin } from '../../support/tools.js';

const dirs: string[] = [];
const sandbox = () => {
  const d = mkdtempSync(join(tmpdir(), 'jwt-store-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const jwtOf = (creds: string) => /-----BEGIN NATS USER JWT-----\s*(\S+)/.exec(readFileSync(creds, 'utf8'))![1]!;

describe('the operator-mode store', () => {
  it('makes the operator, SYS and APP and a creds file per identity, all mode 0600', async () => {
    const dir = sandbox();
    const auth = await ensureJwtAuth(dir, true);
    const p = jwtPaths(dir);
    assert.deepEqual(Object.keys(auth.accounts), ['SYS', 'APP']);
    assert.equal(decode<{ system_account: string }>(auth.server.operatorJwt).nats.system_account, auth.accounts.SYS);
    for (const f of [p.operatorSeed, p.identitySeed('APP'), p.signingSeed('APP'), p.creds('requester'), p.accountJwt('SYS')])
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    assert.equal(statSync(p.root).mode & 0o777, 0o700);
  });

  it('signs users with the account signing key, not its identity key', async () => {
    const dir = sandbox();
    const auth = await ensureJwtAuth(dir, true);
    const user = decode<{ issuer_account: string }>(jwtOf(jwtPaths(dir).creds('recorder')));
    const app = decode<{ signing_keys: string[] }>(auth.current[auth.accounts.APP!]!);
    assert.equal(user.nats.issuer_account, auth.accounts.APP);
    assert.notEqual(user.iss, auth.accounts.APP);
    assert.deepEqual(app.nats.signing_keys, [user.iss]);
  });

  it('keeps what it made: a second run changes nothing', async () => {
    const dir = sandbox();
    const first = await ensureJwtAuth(dir, true);
    const creds = readFileSync(jwtPaths(dir).creds('math'), 'utf8');
    assert.deepEqual(await ensureJwtAuth(dir, true), first);
    assert.equal(readFileSync(jwtPaths(dir).creds('math'), 'utf8'), creds);
  });

  it('writes nothing in a dry run', async () => {
    const dir = sandbox();
    await ensureJwtAuth(dir, false);
    assert.equal(existsSync(jwtPaths(dir).root), false);
  });

  it('hands the creds to every client through loadCredentials', async () => {
    const dir = sandbox();
    assert.equal(loadCredentials(dir, {}, false).clientCreds, undefined, 'mTLS: none');
    await ensureJwtAuth(dir, true);
    assert.equal(loadCredentials(dir, {}, false).clientCreds?.sys, jwtPaths(dir).creds('sys'));
  });

  it('adds a user with the permissions of an identity, and refuses a bad or taken name', async () => {
    const dir = sandbox();
    await ensureJwtAuth(dir, true);
    const file = await addUser(dir, 'alice', 'APP', identitySpec('requester').permissions);
    const u = decode<{ pub: { allow: string[] } }>(jwtOf(file));
    assert.equal(u.name, 'alice');
    assert.deepEqual(u.nats.pub?.allow, ['math.numbers.>', 'answers.*']);
    await assert.rejects(addUser(dir, 'alice', 'APP', undefined), UsageError);
    await assert.rejects(addUser(dir, 'Bad Name', 'APP', undefined), UsageError);
    await assert.rejects(addUser(dir, 'admin', 'APP', undefined), UsageError);
    await assert.rejects(addUser(dir, 'bob', 'NOPE', undefined), UsageError);
  });

  it('revokes a user in its account JWT and removes its creds', async () => {
    const dir = sandbox();
    const auth = await ensureJwtAuth(dir, true);
    const file = await addUser(dir, 'carol', 'APP', undefined);
    const pub = credsUser(file).pub;
    const r = await revokeUser(dir, 'carol', 1_800_000_000_000);
    assert.equal(r.account, 'APP');
    assert.deepEqual(decode<{ revocations: Record<string, number> }>(r.jwt).nats.revocations, { [pub]: 1_800_000_000 });
    assert.equal(decode(r.jwt).sub, auth.accounts.APP, 'the same account');
    assert.equal(existsSync(file), false);
    await assert.rejects(revokeUser(dir, 'carol'), UsageError);
  });

  it('changes limits and keeps the signing key and revocations', async () => {
    const dir = sandbox();
    await ensureJwtAuth(dir, true);
    await addUser(dir, 'dave', 'APP', undefined);
    await revokeUser(dir, 'dave');
    const r = await setAccountLimits(dir, 'APP', { connections: 3, jsDiskBytes: 1024 ** 3 });
    const c = decode<{ limits: { conn: number; disk_storage: number }; revocations: object; signing_keys: string[] }>(r.jwt).nats;
    assert.equal(c.limits?.conn, 3);
    assert.equal(c.limits?.disk_storage, 1024 ** 3);
    assert.equal(Object.keys(c.revocations ?? {}).length, 1);
    assert.equal(c.signing_keys?.length, 1);
    await assert.rejects(setAccountLimits(dir, 'SYS', { jsDiskBytes: 1 }), UsageError);
  });

  it('gives configs the pinned nats-server accepts (nats-server -t)', async () => {
    const bin = await natsServerBin();
    const dir = sandbox();
    const auth = await ensureJwtAuth(dir, true);
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const ports = assignPorts(
      topo.servers.map((s) => s.name),
      20000,
    );
    const creds = loadCredentials(dir, {}, true);
    for (const name of ['c1-nats-0', 'c2-js-nats-0', 'c1-xr-js-nats-0']) {
      const file = join(dir, `${name}.conf`);
      const server = serverByName(topo, name);
      const config = serverConfig({
        topo,
        server,
        addressing: localAddressing(topo, (n) => ports[n]!),
        credentials: creds,
        ...(server.jetstream ? { storeDir: join(dir, name, 'js') } : {}),
        jwt: { auth: auth.server, resolverDir: join(dir, name, 'jwt') },
      });
      writeFileSync(file, toNatsConf(config));
      const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.doesNotMatch(out, /error/i);
    }
  });
});
