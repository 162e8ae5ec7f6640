import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPorts } from '../../../cluster/local/ports.js';
import { USERS } from '../../../nats/accounts.js';
import { localAddressing } from '../../../nats/addressing.js';
import { accountClaims, DEFAULT_APP_LIMITS, identitySpec, jwtAuthConfig, limitsOf, userClaims } from '../../../nats/jwt-auth.js';
import { serverConfig } from '../../../nats/server-config.js';
import { buildTopology, serverByName } from '../../../nats/topology.js';
import { TEST_CREDENTIALS } from '../../support/kube-plan.js';

const SK = 'AD3SIGNINGKEYPLACEHOLDER';

describe('operator mode: account claims', () => {
  it('spell out every limit, no limit by default, JetStream on for the application account', () => {
    const c = accountClaims(DEFAULT_APP_LIMITS, SK);
    assert.deepEqual(c.limits, {
      subs: -1,
      data: -1,
      payload: -1,
      imports: -1,
      exports: -1,
      wildcards: true,
      conn: -1,
      leaf: -1,
      disk_storage: -1,
      mem_storage: -1,
      streams: -1,
      consumer: -1,
    });
  });

  it('give the system account no JetStream', () => {
    const c = accountClaims({ connections: -1 }, SK);
    assert.equal(c.limits?.disk_storage, undefined);
    assert.equal(c.limits?.mem_storage, undefined);
  });

  it('name the one signing key users are signed with, and the users revoked', () => {
    const c = accountClaims(DEFAULT_APP_LIMITS, SK, { UABC: 1700000000 });
    assert.deepEqual(c.signing_keys, [SK]);
    assert.deepEqual(c.revocations, { UABC: 1700000000 });
    assert.equal(accountClaims(DEFAULT_APP_LIMITS, SK).revocations, undefined, 'no empty revocation list');
  });

  it('give back the limits they carry (what a change starts from)', () => {
    const limits = { connections: 5, jsDiskBytes: 1024 ** 3, jsMemoryBytes: -1 };
    assert.deepEqual(limitsOf(accountClaims(limits, SK)), limits);
    assert.deepEqual(limitsOf(accountClaims({ connections: 2 }, SK)), { connections: 2 });
  });
});

describe('operator mode: user claims', () => {
  it('carry the same least privilege as the mTLS users', () => {
    for (const u of USERS.filter((x) => x.permissions)) {
      const { user } = userClaims(u.permissions);
      assert.deepEqual(user.pub?.allow, u.permissions!.publish, `${u.identity} publish`);
      assert.deepEqual(user.sub?.allow, u.permissions!.subscribe, `${u.identity} subscribe`);
      assert.equal(user.resp !== undefined, u.permissions!.allowResponses === true, `${u.identity} responses`);
    }
  });

  it('allow one response per request received, as allow_responses: true does', () => {
    assert.deepEqual(userClaims(identitySpec('math').permissions).user.resp, { max: 1, ttl: 0 });
  });

  it('leave the administrators unrestricted in their account', () => {
    assert.deepEqual(userClaims(identitySpec('admin').permissions).user, {});
    assert.deepEqual(userClaims(identitySpec('sys').permissions).user, {});
    assert.equal(identitySpec('sys').account, 'SYS');
  });

  it('expire when asked', () => {
    assert.equal(userClaims(undefined, 1800000000).exp, 1800000000);
    assert.equal(userClaims(undefined).exp, undefined);
  });
});

describe('operator mode: the server config', () => {
  const auth = { operatorJwt: 'eyOPERATOR', systemAccount: 'ASYS', preload: { ASYS: 'eySYS', AAPP: 'eyAPP' } };

  it('trusts the operator, names the system account by its key and preloads the accounts', () => {
    assert.deepEqual(jwtAuthConfig(auth, '/sb/c1-nats-0/jwt'), {
      operator: 'eyOPERATOR',
      system_account: 'ASYS',
      resolver: { type: 'full', dir: '/sb/c1-nats-0/jwt' },
      resolver_preload: { ASYS: 'eySYS', AAPP: 'eyAPP' },
    });
  });

  const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
  const ports = assignPorts(
    topo.servers.map((s) => s.name),
    20000,
  );
  const creds = TEST_CREDENTIALS;
  const input = {
    topo,
    server: serverByName(topo, 'c1-nats-0'),
    addressing: localAddressing(topo, (n) => ports[n]!),
    credentials: creds,
    tls: { caFile: '/pki/ca.crt', certFile: '/pki/tls.crt', keyFile: '/pki/tls.key' },
  };

  it('has no accounts block and keeps TLS on the client port without mapping certificates', () => {
    const c = serverConfig({ ...input, jwt: { auth, resolverDir: '/r' } }) as Record<string, any>;
    assert.equal(c.accounts, undefined);
    assert.equal(c.operator, 'eyOPERATOR');
    assert.equal(c.tls.cert_file, '/pki/tls.crt');
    assert.equal(c.tls.verify_and_map, undefined);
    assert.ok(c.cluster.tls && c.gateway.tls, 'routes and gateways keep TLS');
  });

  it('leaves the mTLS config as it was without --auth jwt', () => {
    const c = serverConfig(input) as Record<string, any>;
    assert.equal(c.tls.verify_and_map, true);
    assert.equal(c.system_account, 'SYS');
    assert.equal(c.operator, undefined);
    assert.ok(c.accounts.APP);
  });
});
