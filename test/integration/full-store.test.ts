// A full JetStream store (JS_MAX_FILE_MB=2): every publish to the answers stream is refused;
// status names it in one line with the fix (exit 1), the requester stops early naming a full
// store as a cause and says what it stored, and installing with a larger limit recovers.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { readLocalState } from '../../cluster/local/state.js';
import { localClientEnv } from '../../cluster/local/supercluster.js';
import { loadCredentials } from '../../core/secrets.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { resolveTopology } from '../../nats/topology.js';
import { makeSandbox, runScript } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

describe('a full JetStream store', { timeout: 600_000 }, () => {
  const sandbox = makeSandbox(portBase('fullStore'), { MYSQL_URL: '', JS_MAX_FILE_MB: '2' });
  after(() => sandbox.cleanup());

  it('is named in one status line with its fix, the requester stops early, and a larger limit recovers', async () => {
    const installed = await runScript('install', [...NAMES, ...SMALL], sandbox.env, 300_000);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    // Fill the answers stream's replicas: throwaway answers of 64 KiB until publishes are refused.
    const state = readLocalState(sandbox.dir)!;
    const topo = resolveTopology({ names: [], saved: state });
    const nc = await connect({
      ...connectionFromEnv(localClientEnv(topo, state, loadCredentials(sandbox.dir, {}, false), 'admin', 'c1'), 'fill'),
      timeout: 5000,
    });
    let refused: string | undefined;
    try {
      const js = jetstream(nc, { timeout: 3000 });
      const big = new Uint8Array(64 * 1024);
      for (let i = 0; i < 200 && !refused; i++) await js.publish('answers.throwaway', big).catch((e: Error) => (refused = e.message));
    } finally {
      await nc.close();
    }
    assert.ok(refused, 'a 2 MiB store refuses publishes once full');
    const status = await runScript('status', [], sandbox.env);
    assert.equal(status.code, 1);
    assert.match(
      status.stdout,
      /NOT OK: 1 problem\(s\):\n {2}- the JetStream file stores of c1-xr-js-nats-0, c2-xr-js-nats-0, c3-xr-js-nats-0 are full: the streams on them refuse publishes; fix: purge what is not needed \(nats stream purge <stream>\) or raise JS_MAX_FILE_MB and re-run stage 06/,
    );
    const asked = await runScript('request', ['--from', 'c1', '--count', '500', '--record-wait', '5'], sandbox.env, 300_000);
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, /stopped asking: 32 publishes in a row failed after every retry.*a full store: status says which/);
    assert.match(asked.stdout, /published: significant \d+, throwaway \d+/);
    const raised = await runScript('install', [...NAMES], { ...sandbox.env, JS_MAX_FILE_MB: '64' }, 300_000);
    assert.equal(raised.code, 0, raised.stdout + raised.stderr);
    const ok = await runScript('status', [], { ...sandbox.env, JS_MAX_FILE_MB: '64' });
    assert.equal(ok.code, 0, ok.stdout);
    const again = await runScript('request', ['--from', 'c1', '--count', '20'], { ...sandbox.env, JS_MAX_FILE_MB: '64' }, 120_000);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });
});
