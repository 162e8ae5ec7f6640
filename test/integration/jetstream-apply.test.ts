// Stage 07 for real: placement across datacenters, sourcing across gateways, idempotent re-runs,
// an allowed update applied and a refused one reported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type JetStreamSpec, jetstreamSpec } from '../../nats/jetstream/spec.js';
import { applySpec, streamPlacements } from '../../nats/live/jetstream-apply.js';
import { portBase } from '../support/ports.js';
import { expectOk, type Fixture, makeFixture, NAMES, SMALL, waitFor } from '../support/services-fixture.js';

const PORT_BASE = portBase('jetstreamApply');

describe('JetStream spec on a local supercluster', { timeout: 300_000 }, () => {
  let fx: Fixture;

  before(async () => {
    fx = makeFixture(PORT_BASE);
    for (const stage of ['01-clusters', '06-supercluster']) expectOk(await fx.run(stage, [...NAMES, ...SMALL]), stage);
    const r = await fx.run('07-jetstream', NAMES);
    expectOk(r, '07-jetstream');
    assert.match(r.stdout, /stream answers: created/);
  });
  after(async () => {
    await fx?.cleanup();
  });

  it('places answers with one replica in each datacenter of xr-js and each regional stream in its region', async () => {
    const nc = await fx.connectAs('admin');
    const spec = jetstreamSpec(fx.topo());
    const placements = await streamPlacements(
      nc,
      spec.streams.map((s) => s.name),
    );
    const answers = placements.find((p) => p.name === 'answers')!;
    assert.equal(answers.cluster, 'xr-js');
    assert.deepEqual(answers.servers.map((s) => s.split('-')[0]).sort(), ['c1', 'c2', 'c3']);
    for (const dc of NAMES) assert.equal(placements.find((p) => p.name === `events-${dc}`)!.cluster, dc);
  });

  it("sources every region's events into events-all across the gateways, and serves the KV bucket", async () => {
    const nc = await fx.connectAs('admin', 'c2');
    const js = jetstream(nc);
    for (const dc of NAMES) await js.publish(`events.${dc}.hello`, `from ${dc}`);
    const jsm = await jetstreamManager(nc);
    await waitFor(
      'events-all to hold all three',
      () => jsm.streams.info('events-all'),
      (i) => i.state.messages === 3,
      30_000,
    );
    const kv = await new Kvm(js).open('sandbox-config');
    await kv.put('greeting', 'hello');
    assert.equal((await kv.get('greeting'))?.string(), 'hello');
  });

  it('changes nothing when run again', async () => {
    const r = await fx.run('07-jetstream', NAMES);
    expectOk(r, '07-jetstream again');
    assert.equal((r.stdout.match(/: unchanged/g) ?? []).length, 7, r.stdout);
    assert.doesNotMatch(r.stdout, /: (created|updated)/);
  });

  it('applies an allowed change, reports a refused one, and goes back to the spec', async () => {
    const nc = await fx.connectAs('admin');
    const spec = jetstreamSpec(fx.topo());
    // Only the edited stream, so one step does not undo another.
    const edit = (name: string, change: object): JetStreamSpec => ({
      streams: spec.streams.filter((s) => s.name === name).map((s) => ({ ...s, ...change })),
      consumers: [],
      kv: [],
    });

    const allowed = await applySpec(nc, edit('events-c1', { maxAgeSeconds: 3600 }));
    assert.deepEqual(allowed[0], { kind: 'stream', name: 'events-c1', action: 'updated', detail: 'max_age' });
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info('events-c1')).config.max_age, 3600 * 1e9);

    const [refused] = await applySpec(nc, edit('events-c2', { storage: 'memory' }));
    assert.equal(refused!.action, 'refused');
    assert.match(refused!.detail!, /^storage: .+/);
    assert.equal((await jsm.streams.info('events-c2')).config.storage, 'file');

    const back = await fx.run('07-jetstream', NAMES);
    expectOk(back, '07-jetstream restores the spec');
    assert.match(back.stdout, /stream events-c1: updated \(max_age\)/);
  });
});
