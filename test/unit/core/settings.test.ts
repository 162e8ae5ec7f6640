// The services settings: defaults and checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readServicesSettings } from '../../../core/settings.js';

describe('services settings', () => {
  it('reads its settings with defaults and checks them', () => {
    assert.deepEqual(readServicesSettings({}, 14222), { instances: 1, mysqlPort: 14221, discoveryTimeoutMs: 90_000 });
    assert.equal(readServicesSettings({ MYSQL_URL: 'mysql://a:b@h/answers' }, 14222).mysqlUrl, 'mysql://a:b@h/answers');
    assert.throws(() => readServicesSettings({ SERVICE_INSTANCES: '0' }, 14222), /SERVICE_INSTANCES/);
  });
});
