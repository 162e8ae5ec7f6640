import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observation } from '../../../nats/observation.js';
import { gatewayLinks, stretchedRoutes, viewModel } from '../../../ui/view-model.js';
import { META_LEADER } from '../../support/live.js';
import { smallObservation } from '../../support/observation-fixture.js';

describe('view model', () => {
  it('puts every server of a healthy sandbox in its region, cluster and role, all up', () => {
    const v = viewModel(smallObservation());
    assert.equal(v.ok, true);
    assert.match(v.verdict, /^OK: 12 servers in 4 NATS clusters/);
    assert.deepEqual(
      v.regions.map((r) => r.name),
      ['c1', 'c2', 'c3'],
    );
    const c2 = v.regions[1]!;
    assert.deepEqual(
      c2.cluster.servers.map((s) => [s.name, s.role, s.health]),
      [
        ['c2-nats-0', 'seed', 'up'],
        ['c2-js-nats-0', 'js', 'up'],
        ['c2-gw-nats-0', 'gw', 'up'],
      ],
    );
    assert.deepEqual(
      c2.stretched.map((s) => [s.name, s.role]),
      [['c2-xr-js-nats-0', 'xr-js']],
    );
    assert.deepEqual(c2.cluster.routes, { present: 6, expected: 6 });
    assert.deepEqual(v.servers, { up: 12, total: 12 });
    assert.equal(v.stretched.servers.length, 3);
    assert.equal(v.stretched.health, 'up');
  });

  it('marks the meta leader, and shows streams with their placement, leader, lag and the KV bucket', () => {
    const v = viewModel(smallObservation());
    assert.equal(v.jetstream.metaLeader, META_LEADER);
    assert.deepEqual(
      v.regions
        .flatMap((r) => [...r.cluster.servers, ...r.stretched])
        .filter((s) => s.metaLeader)
        .map((s) => s.name),
      [META_LEADER],
    );
    const answers = v.jetstream.streams[0]!;
    assert.deepEqual(
      [answers.name, answers.cluster, answers.tags, answers.replicas, answers.leader],
      ['answers', 'xr-js', ['dc:xr'], 3, 'c1-xr-js-nats-0'],
    );
    assert.deepEqual(
      answers.followers.map((f) => [f.name, f.lag]),
      [
        ['c2-xr-js-nats-0', 0],
        ['c3-xr-js-nats-0', 7],
      ],
    );
    assert.deepEqual(v.jetstream.kv, [{ bucket: 'sandbox-config', values: 3, replicas: 3, cluster: 'xr-js' }]);
  });

  it('sums services per region from their stats', () => {
    const v = viewModel(smallObservation());
    assert.deepEqual(
      v.regions.map((r) => r.services),
      [
        { instances: 2, requests: 15, errors: 2, names: ['adder-c1', 'divider-c1'] },
        { instances: 1, requests: 7, errors: 0, names: ['adder-c2'] },
        { instances: 0, requests: 0, errors: 0, names: [] },
      ],
    );
  });

  it('with c3 down: its servers down, the others up (not blamed for c3), the gateways and routes to c3 down, the problems named', () => {
    const v = viewModel(smallObservation(['c1', 'c2', 'c3'], ['c3']));
    assert.equal(v.ok, false);
    assert.match(v.verdict, /^NOT OK: \d+ problem\(s\)$/);
    assert.deepEqual(
      v.problems.map((p) => p.summary),
      ['region c3 is down: none of its 4 servers answer'],
    );
    assert.ok(v.problems[0]!.details.includes('c1-nats-0 has no outbound gateway to c3'));
    const [c1, , c3] = v.regions;
    assert.equal(c3!.health, 'down');
    assert.ok([...c3!.cluster.servers, ...c3!.stretched].every((s) => s.health === 'down' && s.why[0] === 'did not answer'));
    assert.equal(c1!.health, 'up');
    assert.ok(c1!.cluster.servers.every((s) => s.health === 'up'));
    assert.equal(v.stretched.health, 'degraded');
    assert.deepEqual(v.servers, { up: 8, total: 12 });
    const state = (links: { a: string; b: string; state: string }[]) => Object.fromEntries(links.map((l) => [`${l.a}-${l.b}`, l.state]));
    assert.deepEqual(state(v.gateways), {
      'c1-c2': 'up',
      'c1-c3': 'down',
      'c1-xr-js': 'up',
      'c2-c3': 'down',
      'c2-xr-js': 'up',
      'c3-xr-js': 'down',
    });
    assert.deepEqual(state(v.stretchedRoutes), { 'c1-c2': 'up', 'c1-c3': 'down', 'c2-c3': 'down' });
  });

  it('degrades a server that answers but misses its own route, and calls a half-dialled gateway pair partial', () => {
    const o = smallObservation(['c1', 'c2']);
    const live = o.live.map((s) =>
      s.name === 'c1-js-nats-0' ? { ...s, routePeers: s.routePeers.filter((p) => p !== 'c1-nats-0'), outboundGateways: ['xr-js'] } : s,
    );
    const v = viewModel(observation({ topology: o.topology, live }));
    const js = v.regions[0]!.cluster.servers.find((s) => s.name === 'c1-js-nats-0')!;
    assert.equal(js.health, 'degraded');
    assert.deepEqual(js.why, ['c1-js-nats-0 has no route to c1-nats-0', 'c1-js-nats-0 has no outbound gateway to c2']);
    assert.deepEqual(v.regions[0]!.cluster.routes, { present: 5, expected: 6 });
    assert.equal(v.regions[0]!.cluster.health, 'degraded');
    assert.equal(gatewayLinks({ ...o, live }).find((l) => l.a === 'c1' && l.b === 'c2')!.state, 'partial');
    assert.equal(stretchedRoutes({ ...o, live })[0]!.state, 'up');
  });

  it('says when JetStream was not observed', () => {
    const { jetstream: _, ...o } = smallObservation();
    const v = viewModel(o);
    assert.equal(v.jetstream.observed, false);
    assert.deepEqual(v.jetstream.streams, []);
  });
});
