// Every setting in one module: whole numbers with one rule and one message, .env.example
// documenting every variable with its default commented out, and ENV_FILE keeping a developer's
// .env away from the tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_PORT_BASE, readServicesSettings, readSettings, wholeNumber } from '../../../core/settings.js';
import { ROOT } from '../../support/helpers.js';

describe('settings', () => {
  it('reads whole numbers in their range, and names the variable and the range otherwise', () => {
    assert.equal(wholeNumber({ N: '7' }, 'N', 1), 7);
    assert.equal(wholeNumber({}, 'N', 3), 3);
    assert.equal(wholeNumber({ N: '' }, 'N', 3), 3);
    for (const bad of ['lots', '1.5', '-2', '0x10', '1e3', '99999999999999999999']) {
      assert.throws(
        () => wholeNumber({ N: bad }, 'N', 1, 1, 100),
        (e: Error) => e instanceof UsageError && /N must be a whole number from 1 to 100; got/.test(e.message),
      );
    }
  });

  it('keeps the environment replicas apart: they shape a new sandbox only (see resolveTopology)', () => {
    const s = readSettings({ SEED_REPLICAS: '1', XR_REPLICAS: '2' });
    assert.deepEqual(s.replicas, { seed: 1, xr: 2 });
    assert.throws(() => readSettings({ JS_REPLICAS: '0' }), /JS_REPLICAS must be a whole number from 1 to 100/);
  });

  it('reads AUTH, the auth mode of a new local sandbox, as --auth is checked', () => {
    assert.equal(readSettings({}).auth, undefined);
    assert.equal(readSettings({ AUTH: 'jwt' }).auth, 'jwt');
    assert.throws(() => readSettings({ AUTH: 'kerberos' }), /AUTH must be one of mtls, jwt; got 'kerberos'/);
  });

  it("reads the xr-js routes' compression and pool, and refuses what nats-server does not know", () => {
    assert.deepEqual(readSettings({}).stretchedRoutes, { compression: 's2_auto' });
    assert.deepEqual(readSettings({ XR_ROUTE_COMPRESSION: 's2_auto', XR_ROUTE_POOL_SIZE: '1' }).stretchedRoutes, {
      compression: 's2_auto',
      poolSize: 1,
    });
    assert.throws(
      () => readSettings({ XR_ROUTE_COMPRESSION: 'zstd' }),
      /XR_ROUTE_COMPRESSION must be one of off, accept, s2_fast, s2_better, s2_best, s2_auto; got 'zstd'/,
    );
    assert.throws(() => readSettings({ XR_ROUTE_POOL_SIZE: '0' }), /XR_ROUTE_POOL_SIZE must be a whole number from 1 to 64/);
  });

  it('refuses a port base the port plan cannot use', () => {
    assert.equal(readSettings({}).portBase, undefined);
    assert.throws(() => readSettings({ LOCAL_PORT_BASE: '80' }), /LOCAL_PORT_BASE must be a whole number from 1024 to 65535/);
    assert.equal(readServicesSettings({}, DEFAULT_PORT_BASE).mysqlPort, DEFAULT_PORT_BASE - 1);
  });
});

describe('.env.example', () => {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');

  it('ships every default commented out, so copying it to .env changes nothing', () => {
    const active = text.split('\n').filter((l) => /^[A-Z_0-9]+=/.test(l));
    assert.deepEqual(active, []);
  });

  it('documents every variable the settings module reads', () => {
    const source = readFileSync(join(ROOT, 'core', 'settings.ts'), 'utf8');
    const read = new Set([...source.matchAll(/\b(?:env|text|wholeNumber|matching|unset)\(env, '([A-Z_0-9]+)'/g)].map((m) => m[1]!));
    for (const m of source.matchAll(/^\s+([A-Z][A-Z_0-9]+): '/gm)) read.add(m[1]!);
    const documented = new Set([...text.matchAll(/^# ([A-Z_0-9]+)=/gm)].map((m) => m[1]!));
    const missing = [...read].filter((v) => !documented.has(v) && v !== 'ENV_FILE');
    assert.ok(read.size > 15, `found only ${read.size} variables`);
    assert.deepEqual(missing, []);
  });
});

describe('services settings', () => {
  it('reads its settings with defaults and checks them', () => {
    assert.deepEqual(readServicesSettings({}, 14222), { instances: 1, mysqlPort: 14221, discoveryTimeoutMs: 90_000 });
    assert.equal(readServicesSettings({ MYSQL_URL: 'mysql://a:b@h/answers' }, 14222).mysqlUrl, 'mysql://a:b@h/answers');
    assert.throws(() => readServicesSettings({ SERVICE_INSTANCES: '0' }, 14222), /SERVICE_INSTANCES/);
  });
});
