import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedTopology } from '../../../nats/expected.js';
import { clusterTable, serverTable, statusJson } from '../../../nats/report.js';
import { buildTopology } from '../../../nats/topology.js';
import { type LiveServer, verify } from '../../../nats/verify.js';
import { healthyLive } from '../../support/live.js';

const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
const expected = expectedTopology(topo);

/** What a healthy system reports: every route, every gateway, inbound ones landing on gateway servers. */
const healthy = () => healthyLive(topo);

describe('verify live against expected', () => {
  it('passes a healthy supercluster', () => {
    const v = verify(expected, healthy());
    assert.deepEqual(v.problems, []);
    assert.equal(v.ok, true);
    assert.equal(v.metaLeader, 'c1-js-nats-0');
    const c1 = v.clusters.find((c) => c.name === 'c1')!;
    assert.equal(c1.outgoingGateways, 6);
    assert.equal(c1.incomingGateways, 5);
  });

  it('names a server that did not answer', () => {
    const v = verify(
      expected,
      healthy().filter((s) => s.name !== 'c2-gw-nats-0'),
    );
    assert.equal(v.ok, false);
    assert.match(v.problems.join('\n'), /1 server\(s\) did not answer: c2-gw-nats-0/);
  });

  it('names missing routes and gateways', () => {
    const live = healthy();
    live.find((s) => s.name === 'c1-nats-0')!.routePeers = ['c1-js-nats-0'];
    live.find((s) => s.name === 'c2-js-nats-0')!.outboundGateways = ['c1'];
    const v = verify(expected, live);
    assert.match(v.problems.join('\n'), /c1-nats-0 has no route to c1-gw-nats-0/);
    assert.match(v.problems.join('\n'), /c2-js-nats-0 has no outbound gateway to xr-js/);
    assert.match(v.problems.join('\n'), /cluster c2 has 5 outgoing gateway connections, expected 6/);
  });

  it('names a server whose own health check fails, with what it says', () => {
    const live = healthy();
    live.find((s) => s.name === 'c2-xr-js-nats-0')!.health = ["JetStream stream 'APP > answers' is not current"];
    live.find((s) => s.name === 'c1-nats-0')!.health = [];
    const v = verify(expected, live);
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems, ["c2-xr-js-nats-0 is not healthy (healthz): JetStream stream 'APP > answers' is not current"]);
    assert.deepEqual(
      v.findings.map((f) => [f.kind, f.subject]),
      [['health', 'c2-xr-js-nats-0']],
    );
  });

  it('names wrong cluster, JetStream and tags', () => {
    const live = healthy();
    const s = live.find((x) => x.name === 'c1-xr-js-nats-0')!;
    s.tags = ['dc:xr'];
    const t = live.find((x) => x.name === 'c1-nats-0')!;
    t.jetstream = true;
    const v = verify(expected, live);
    assert.match(v.problems.join('\n'), /c1-xr-js-nats-0 has tags \[dc:xr\], expected \[az:c1, dc:xr\]/);
    assert.match(v.problems.join('\n'), /c1-nats-0 has JetStream on, expected off/);
  });

  it('notices no meta leader, split views of it, and a wrong meta group size', () => {
    const none = healthy().map((s) => ({ ...s, metaLeader: undefined }) as LiveServer);
    assert.match(verify(expected, none).problems.join('\n'), /JetStream has no meta leader/);
    const split = healthy();
    split.find((s) => s.name === 'c2-js-nats-0')!.metaLeader = 'c2-js-nats-0';
    assert.match(verify(expected, split).problems.join('\n'), /disagree on the meta leader/);
    const small = healthy().map((s) => (s.name === 'c1-js-nats-0' ? { ...s, metaClusterSize: 3 } : s));
    assert.match(verify(expected, small).problems.join('\n'), /meta group has 3 peers \(as its leader c1-js-nats-0 sees it\), expected 4/);
    // A follower that counts the group smaller than its leader does keeps that count (nats-server's
    // cold-start adjustment): cut off with enough peers it would elect a leader of its own.
    const staleFollower = healthy().map((s) => (s.name === 'c2-js-nats-0' ? { ...s, metaClusterSize: 2 } : s));
    const stale = verify(expected, staleFollower);
    assert.deepEqual(stale.staleMetaSize, [{ name: 'c2-js-nats-0', size: 2 }]);
    assert.match(
      stale.problems.join('\n'),
      /1 JetStream server\(s\) count the meta group wrong: c2-js-nats-0 \(2\), expected 4; .*step-down/,
    );
    assert.deepEqual(verify(expected, healthy()).staleMetaSize, []);
    const lagging = healthy().map((s) =>
      s.name === 'c1-js-nats-0'
        ? {
            ...s,
            metaPeers: [
              { name: 'c2-js-nats-0', current: true, offline: false },
              { name: 'c1-xr-js-nats-0', current: false, offline: false },
              { name: 'c2-xr-js-nats-0', current: false, offline: true },
            ],
          }
        : s,
    );
    assert.match(verify(expected, lagging).problems.join('\n'), /meta peer\(s\) offline or not current: c1-xr-js-nats-0, c2-xr-js-nats-0/);
  });

  it('names unexpected servers', () => {
    const live = [...healthy(), { ...healthy()[0]!, name: 'stranger-0' }];
    assert.match(verify(expected, live).problems.join('\n'), /unexpected server\(s\) in the supercluster: stranger-0/);
  });

  it('renders tables and the JSON shape status promises', () => {
    const live = healthy();
    const v = verify(expected, live);
    const table = serverTable(live);
    assert.match(table, /Server Overview/);
    assert.match(table, /c1-js-nats-0 +│ c1 +│ 2\.14\.2 +│ yes/);
    assert.match(clusterTable(v.clusters), /│ xr-js +│ +2 │/);
    const json = statusJson(v, live);
    assert.deepEqual(Object.keys(json).slice(0, 4), ['servers', 'clusters', 'ok', 'problems']);
    assert.equal(json.servers[0]!.gateways, 2);
  });
});

describe('meta peers of removed servers', () => {
  const withPeers = (peers: NonNullable<LiveServer['metaPeers']>) =>
    healthy().map((s) => (s.name === 'c1-js-nats-0' ? { ...s, metaPeers: peers } : s));
  const ours = [
    { name: 'c2-js-nats-0', current: true, offline: false, peer: 'p2' },
    { name: 'c1-xr-js-nats-0', current: true, offline: false, peer: 'p3' },
    { name: 'c2-xr-js-nats-0', current: true, offline: false, peer: 'p4' },
  ];

  it('names offline peers that are no server of the topology once all of ours are online', () => {
    const v = verify(
      expected,
      withPeers([...ours, { name: 'Server name unknown at this time (peerID: x1)', current: false, offline: true, peer: 'x1' }]),
    );
    assert.deepEqual(v.stalePeers, [{ name: 'Server name unknown at this time (peerID: x1)', peer: 'x1' }]);
    assert.match(v.problems.join('\n'), /still counts 1 removed server/);
  });

  it('never calls a peer stale while one of ours is offline (a region that is only down)', () => {
    const down = ours.map((p) => (p.name === 'c2-xr-js-nats-0' ? { ...p, current: false, offline: true } : p));
    const v = verify(
      expected,
      withPeers([...down, { name: 'Server name unknown at this time (peerID: x1)', current: false, offline: true, peer: 'x1' }]),
    );
    assert.deepEqual(v.stalePeers, []);
    assert.match(v.problems.join('\n'), /offline or not current: c2-xr-js-nats-0/);
  });
});
