import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedTopology } from '../../../nats/expected.js';
import {
  buildTopology,
  clusterByName,
  gatewayTargets,
  resolveTopology,
  routePeers,
  STRETCHED_CLUSTER,
  serverByName,
  TopologyError,
} from '../../../nats/topology.js';

describe('topology model', () => {
  for (let n = 1; n <= 5; n++) {
    it(`has 12 servers per name, ${n + 1} NATS clusters and 6 JetStream servers per name for ${n} name(s)`, () => {
      const names = Array.from({ length: n }, (_, i) => `c${i + 1}`);
      const topo = buildTopology(names);
      assert.equal(topo.servers.length, 12 * n);
      assert.equal(topo.clusters.length, n + 1);
      assert.equal(topo.servers.filter((s) => s.jetstream).length, 6 * n);
      assert.deepEqual(
        topo.clusters.map((c) => c.name),
        [...names, STRETCHED_CLUSTER],
      );
      for (const c of topo.clusters) assert.equal(c.servers.length, c.kind === 'stretched' ? 3 * n : 9);
      assert.equal(new Set(topo.servers.map((s) => s.name)).size, topo.servers.length, 'server names are unique');
    });
  }

  it('names servers like the seed: cN-nats-i, cN-js-nats-i, cN-gw-nats-i, cN-xr-js-nats-i', () => {
    const topo = buildTopology(['c1']);
    assert.deepEqual(
      topo.servers.map((s) => s.name),
      [
        'c1-nats-0',
        'c1-nats-1',
        'c1-nats-2',
        'c1-js-nats-0',
        'c1-js-nats-1',
        'c1-js-nats-2',
        'c1-gw-nats-0',
        'c1-gw-nats-1',
        'c1-gw-nats-2',
        'c1-xr-js-nats-0',
        'c1-xr-js-nats-1',
        'c1-xr-js-nats-2',
      ],
    );
    assert.deepEqual(
      topo.releases.map((r) => r.name),
      ['c1', 'c1-js', 'c1-gw', 'xr-js'],
    );
  });

  it('tags regional JetStream servers dc:cN/az:cN and stretched ones dc:xr/az:cN, all with unique_tag az', () => {
    const topo = buildTopology(['c1', 'c2']);
    assert.deepEqual(serverByName(topo, 'c2-js-nats-1').tags, ['dc:c2', 'az:c2']);
    assert.deepEqual(serverByName(topo, 'c2-xr-js-nats-0').tags, ['dc:xr', 'az:c2']);
    assert.deepEqual(serverByName(topo, 'c1-nats-0').tags, []);
    assert.equal(clusterByName(topo, 'xr-js').uniqueTag, 'az');
    assert.equal(clusterByName(topo, 'c1').uniqueTag, 'az', 'the meta leader may be any JetStream server');
  });

  it('routes every server to every other member of its NATS cluster, across datacenters for xr-js', () => {
    const topo = buildTopology(['c1', 'c2', 'c3']);
    const xr = serverByName(topo, 'c1-xr-js-nats-0');
    assert.equal(routePeers(topo, xr).length, 8);
    assert.ok(routePeers(topo, xr).some((p) => p.datacenter === 'c3'));
    const seed = serverByName(topo, 'c2-nats-0');
    assert.deepEqual(new Set(routePeers(topo, seed).map((p) => p.cluster)), new Set(['c2']));
  });

  it('reaches regional clusters only through their gw servers and xr-js through the local datacenter', () => {
    const topo = buildTopology(['c1', 'c2']);
    const from = serverByName(topo, 'c1-js-nats-0');
    assert.deepEqual(
      gatewayTargets(topo, from, clusterByName(topo, 'c2')).map((s) => s.name),
      ['c2-gw-nats-0', 'c2-gw-nats-1', 'c2-gw-nats-2'],
    );
    assert.deepEqual(
      gatewayTargets(topo, from, clusterByName(topo, 'xr-js')).map((s) => s.name),
      ['c1-xr-js-nats-0', 'c1-xr-js-nats-1', 'c1-xr-js-nats-2'],
    );
  });

  it('takes replica counts per role', () => {
    const topo = buildTopology(['a', 'b'], { replicas: { seed: 1, js: 2, gw: 1, xr: 1 } });
    assert.equal(topo.servers.length, 10);
    assert.equal(clusterByName(topo, 'xr-js').servers.length, 2);
    assert.throws(() => buildTopology(['a'], { replicas: { seed: 0, js: 1, gw: 1, xr: 1 } }), /seed must be a whole number >= 1/);
    assert.throws(() => buildTopology([]), /at least one cluster name/);
  });

  it('refuses a stretched cluster of one JetStream server, which nats-server will not start', () => {
    assert.throws(
      () => buildTopology(['c1'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } }),
      /xr-js would have a single JetStream server.*more xr replicas or cluster names/,
    );
    assert.equal(buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } }).servers.length, 8);
  });

  it('refuses names whose servers would collide', () => {
    assert.throws(() => buildTopology(['c1', 'c1-js']), /c1 and c1-js both make a server called c1-js-nats-0/);
  });

  it('expects 27 outgoing and 27 incoming gateway connections per NATS cluster with 3 names', () => {
    const exp = expectedTopology(buildTopology(['c1', 'c2', 'c3']));
    assert.equal(exp.servers.length, 36);
    assert.equal(exp.jetstreamServers, 18);
    for (const c of exp.clusters) {
      assert.equal(c.nodes, 9);
      assert.equal(c.outgoingGateways, 27);
      assert.equal(c.incomingGateways, 27);
    }
    const s = exp.servers.find((x) => x.name === 'c1-nats-0')!;
    assert.deepEqual(s.outboundGateways, ['c2', 'c3', 'xr-js']);
    assert.equal(s.routePeers.length, 8);
  });
});

describe('replica settings', () => {
  it('takes each role from the first layer that sets it, then the default', async () => {
    const { resolveReplicas } = await import('../../../nats/topology.js');
    assert.deepEqual(resolveReplicas({ seed: 1 }, { seed: 2, js: 2 }, { xr: 5 }), { seed: 1, js: 2, gw: 3, xr: 5 });
    assert.deepEqual(resolveReplicas(), { seed: 3, js: 3, gw: 3, xr: 3 });
  });
});

describe('one topology per command (resolveTopology)', () => {
  const saved = { names: ['c1', 'c2'], replicas: { seed: 1, js: 1, gw: 1, xr: 1 } };

  it('takes the names given, else the ones the sandbox saved', () => {
    assert.deepEqual(resolveTopology({ names: ['eu', 'us'] }).names, ['eu', 'us']);
    assert.deepEqual(resolveTopology({ names: [], saved }).names, ['c1', 'c2']);
  });

  it('keeps the saved replicas over the environment; a flag changes them', () => {
    const env = { seed: 3, js: 3, gw: 3, xr: 3 };
    assert.deepEqual(resolveTopology({ names: [], saved, env }).options.replicas, saved.replicas);
    assert.deepEqual(resolveTopology({ names: ['c1', 'c2'], saved, env, flags: { js: 2 } }).options.replicas, {
      seed: 1,
      js: 2,
      gw: 1,
      xr: 1,
    });
    assert.deepEqual(resolveTopology({ names: ['c1'], env: { gw: 2 } }).options.replicas, { seed: 3, js: 3, gw: 2, xr: 3 });
  });

  it('says so when there are no names and no sandbox', () => {
    assert.throws(
      () => resolveTopology({ names: [] }),
      (e: Error) => e instanceof TopologyError && /no cluster names given/.test(e.message),
    );
  });
});
