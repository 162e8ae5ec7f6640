// Connection variables of one identity inside a process that hosts several.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionFromEnv, prefixedClientEnv, scopedClientEnv } from '../../../../nats/live/client.js';

describe('client environment', () => {
  it('carries a second identity under a prefix and reads it back, else the plain NATS_* one', () => {
    const rec = prefixedClientEnv('RECORDER', { NATS_URL: 'nats://a:1', NATS_TLS_DIR: '/pki/recorder' });
    assert.deepEqual(rec, { RECORDER_NATS_URL: 'nats://a:1', RECORDER_NATS_TLS_DIR: '/pki/recorder' });
    const env = { NATS_URL: 'nats://a:1', NATS_TLS_DIR: '/pki/math', ...rec };
    assert.equal(connectionFromEnv(scopedClientEnv(env, 'RECORDER')).tls?.certFile, '/pki/recorder/tls.crt');
    assert.equal(connectionFromEnv(scopedClientEnv(env, 'OTHER')).tls?.certFile, '/pki/math/tls.crt');
  });
});
