import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jetstreamSpec } from '../../../../nats/jetstream/spec.js';
import { consumerConfig, consumerDiff, kvDiff, streamConfig, streamDiff } from '../../../../nats/live/jetstream-apply.js';
import { buildTopology, defaultOptions } from '../../../../nats/topology.js';

describe('JetStream spec', () => {
  const spec = jetstreamSpec(buildTopology(['c1', 'c2', 'c3']));
  const stream = (name: string) => spec.streams.find((s) => s.name === name)!;

  it('puts answers on xr-js with 3 replicas, file storage, 5 days, both subjects', () => {
    const a = stream('answers');
    assert.deepEqual(a.subjects, ['answers.significant', 'answers.throwaway']);
    assert.equal(a.storage, 'file');
    assert.equal(a.maxAgeSeconds, 5 * 86400);
    assert.equal(a.replicas, 3);
    assert.deepEqual(a.placement, { cluster: 'xr-js', tags: ['dc:xr'] });
  });

  it('has one stream per region in its own cluster, and events-all on xr-js sourcing them all', () => {
    for (const dc of ['c1', 'c2', 'c3']) {
      const s = stream(`events-${dc}`);
      assert.deepEqual(s.placement, { cluster: dc, tags: [`dc:${dc}`, `az:${dc}`] });
      assert.deepEqual(s.subjects, [`events.${dc}.>`]);
    }
    const all = stream('events-all');
    assert.deepEqual(all.sources, ['events-c1', 'events-c2', 'events-c3']);
    assert.deepEqual(all.subjects, []);
    assert.equal(all.placement.cluster, 'xr-js');
  });

  it("has the recorder's durable pull consumer on the significant answers, redelivering until acked", () => {
    assert.deepEqual(
      spec.consumers.map((c) => [c.stream, c.durable, c.filterSubject, c.maxDeliver]),
      [['answers', 'answers-consumer', 'answers.significant', -1]],
    );
    assert.equal(spec.kv[0]!.replicas, 3);
    assert.equal(spec.kv[0]!.placement.cluster, 'xr-js');
  });

  it('adapts replicas to small topologies (one replica per datacenter on xr-js, at most the js servers of a region)', () => {
    const two = jetstreamSpec(buildTopology(['a', 'b'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } }));
    assert.equal(two.streams.find((s) => s.name === 'answers')!.replicas, 2);
    assert.equal(two.streams.find((s) => s.name === 'events-a')!.replicas, 1);
    const big = jetstreamSpec(buildTopology(['a', 'b', 'c', 'd', 'e'], defaultOptions()));
    assert.equal(big.streams.find((s) => s.name === 'answers')!.replicas, 3);
  });

  it('sees no difference between a spec and the configuration it creates, and names each changed field', () => {
    const a = stream('answers');
    const live = { ...streamConfig(a), subjects: [...a.subjects].reverse() };
    assert.deepEqual(streamDiff(a, live), []);
    assert.deepEqual(streamDiff(a, { ...live, max_age: 1, storage: 'memory' as never }), ['storage', 'max_age']);
    assert.deepEqual(streamDiff(stream('events-all'), { ...streamConfig(stream('events-all')), sources: [{ name: 'events-c1' }] }), [
      'sources',
    ]);
    const c = spec.consumers[0]!;
    assert.deepEqual(consumerDiff(c, consumerConfig(c)), []);
    assert.deepEqual(consumerDiff(c, { ...consumerConfig(c), filter_subject: 'answers.>' }), ['filter_subject']);
    const k = spec.kv[0]!;
    assert.deepEqual(
      kvDiff(k, { description: k.description, max_msgs_per_subject: 5, max_age: 0, num_replicas: 3, placement: k.placement }),
      [],
    );
    assert.deepEqual(
      kvDiff(k, { description: k.description, max_msgs_per_subject: 1, max_age: 0, num_replicas: 1, placement: k.placement }),
      ['history', 'replicas'],
    );
  });
});

describe('JetStream placement checks', () => {
  it('needs the meta leader in xr-js for the spec, and flags two replicas in one datacenter', async () => {
    const { placementProblems, uniqueTagCluster, clusterOfServer } = await import('../../../../nats/jetstream/placement.js');
    const topo = buildTopology(['c1', 'c2', 'c3']);
    assert.equal(uniqueTagCluster(topo, jetstreamSpec(topo)), 'xr-js');
    assert.equal(uniqueTagCluster(topo, { streams: [], consumers: [], kv: [] }), undefined);
    assert.equal(clusterOfServer(topo, 'c2-js-nats-1'), 'c2');
    assert.deepEqual(
      placementProblems(topo, [{ name: 'answers', cluster: 'xr-js', servers: ['c1-xr-js-nats-0', 'c2-xr-js-nats-1', 'c3-xr-js-nats-2'] }]),
      [],
    );
    assert.match(
      placementProblems(topo, [
        { name: 'events-all', cluster: 'xr-js', servers: ['c2-xr-js-nats-2', 'c2-xr-js-nats-1', 'c3-xr-js-nats-0'] },
      ])[0]!,
      /events-all has two replicas in one datacenter/,
    );
    assert.deepEqual(
      placementProblems(topo, [{ name: 'events-c1', cluster: 'c1', servers: ['c1-js-nats-0', 'c1-js-nats-1', 'c1-js-nats-2'] }]),
      [],
    );
  });
});
