// Lose a region: the stretched answers stream (R3, one replica per datacenter) keeps taking
// writes with two of three replicas, status names what is missing, and bringing the region back
// heals the supercluster and catches the lost replica up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalState } from '../../cluster/local/state.js';
import { pkiPaths } from '../../core/pki.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import type { StatusJson } from '../../nats/report.js';
import { makeSandbox, parseJson, processesMentioning, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

describe('losing a region', () => {
  let sandbox: Sandbox;
  let nc: NatsConnection;

  before(async () => {
    sandbox = makeSandbox(portBase('regionLoss'));
    for (const stage of ['06-supercluster', '07-jetstream']) {
      const r = await runScript(stage, [...NAMES, ...SMALL], sandbox.env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    }
    const plan = JSON.parse(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8')) as LocalState;
    nc = await connect({
      ...connectionFromEnv({
        NATS_URL: `nats://127.0.0.1:${plan.ports['c1-nats-0']!.client}`,
        NATS_TLS_DIR: pkiPaths(sandbox.dir).client('admin'),
      }),
      maxReconnectAttempts: -1,
    });
  });
  after(async () => {
    await nc?.close().catch(() => undefined);
    await sandbox.cleanup();
  });

  async function retry<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i >= attempts) throw e;
        await sleep(500);
      }
    }
  }

  async function publish(from: number, n: number): Promise<void> {
    const js = jetstream(nc, { timeout: 5000 });
    for (let i = from; i < from + n; i++) {
      const ack = await js.publish('answers.significant', JSON.stringify({ first: i, second: 1, operation: 'add', result: i + 1 }), {
        msgID: `region-test-${i}`,
      });
      assert.equal(ack.stream, 'answers');
    }
  }

  it('keeps the stretched answers stream writable with c3 down, and status names what is missing', async () => {
    await publish(0, 10);
    const down = await runScript('region', ['c3', '--down'], sandbox.env);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /region c3 is down: stopped 4 servers/);
    assert.deepEqual(processesMentioning(join(sandbox.dir, 'local', 'servers', 'c3-')), []);
    // gateways that went to c3's xr-js server move to another one within moments
    const missingC3 = /^4 server\(s\) did not answer: c3-nats-0, c3-js-nats-0, c3-gw-nats-0, c3-xr-js-nats-0$/m;
    await retry(async () => {
      const s = await runScript('status', ['--json'], sandbox.env);
      assert.equal(s.code, 1);
      const p = parseJson<StatusJson>(s.stdout).problems;
      assert.match(p.join('\n'), missingC3);
      assert.deepEqual(
        p.filter((x) => !/\bc3\b|c3-/.test(x)),
        [],
        'every problem is about c3',
      );
      assert.match(p.join('\n'), /JetStream meta peer\(s\) offline or not current: .*c3-js-nats-0/, 'the meta leader sees c3 gone');
    });
    // R3 with one replica per datacenter: two of three is a quorum, writes go on
    await retry(() => publish(10, 10)); // a new stream leader may be being elected
    // the JetStream API pauses while a new meta leader is elected, if c3 held it
    const info = await retry(async () => (await jetstreamManager(nc, { timeout: 2000 })).streams.info('answers'));
    assert.equal(info.state.messages, 20);
    assert.doesNotMatch(info.cluster?.leader ?? '', /^c3-/, 'the stream is led from a region that is up');
  });

  it('brings c3 back: the supercluster heals and its replica catches up', async () => {
    const up = await runScript('region', ['c3', '--up'], sandbox.env);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /converged in/);
    const s = await runScript('status', ['--json'], sandbox.env);
    assert.equal(s.code, 0, parseJson<StatusJson>(s.stdout).problems.join('\n'));
    const jsm = await retry(() => jetstreamManager(nc, { timeout: 2000 }));
    let caughtUp = false;
    for (let i = 0; i < 40 && !caughtUp; i++) {
      const info = await retry(() => jsm.streams.info('answers'));
      const replicas = info.cluster?.replicas ?? [];
      caughtUp =
        info.state.messages === 20 && replicas.length === 2 && replicas.every((r) => r.current && !r.offline && (r.lag ?? 0) === 0);
      if (!caughtUp) await sleep(250);
    }
    assert.ok(caughtUp, 'every replica of answers is current again');
    // Each JetStream server counts the whole meta group, the restarted ones included: a count left
    // from their cold start would let them elect a meta leader of their own when cut off.
    const plan = JSON.parse(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8')) as LocalState;
    const js = Object.entries(plan.ports).filter(([n]) => /-js-nats-/.test(n));
    const sizes = await Promise.all(
      js.map(async ([n, p]) => {
        const jsz = (await (await fetch(`http://127.0.0.1:${p.monitor}/jsz`)).json()) as { meta_cluster?: { cluster_size?: number } };
        return `${n}:${jsz.meta_cluster?.cluster_size}`;
      }),
    );
    assert.deepEqual(
      sizes,
      js.map(([n]) => `${n}:${js.length}`),
    );
  });

  it('refuses bad region input before doing anything', async () => {
    const both = await runScript('region', ['c3', '--down', '--up'], sandbox.env);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --down or --up/);
    const unknown = await runScript('region', ['c9', '--down'], sandbox.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not a cluster of this sandbox: c9 \(it has c1, c2, c3\)/);
  });
});
