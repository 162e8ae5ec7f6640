import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyStaleMetaSize, rightCountingServer, waitConverged } from '../../../cluster/converge.js';
import { expectedTopology } from '../../../nats/expected.js';
import { buildTopology } from '../../../nats/topology.js';
import { type LiveServer, verify } from '../../../nats/verify.js';
import { healthyLive } from '../../support/live.js';

const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
const withStaleFollower = (): LiveServer[] =>
  healthyLive(topo).map((s) => (s.name === 'c2-xr-js-nats-0' ? { ...s, metaClusterSize: 2 } : s));

describe('convergence and the meta group size', () => {
  it('steps the meta leader down when a follower counting the group wrong is all that is left, and then converges', async () => {
    const to: string[] = [];
    const r = await waitConverged({
      topology: topo,
      observe: async () => (to.length ? healthyLive(topo) : withStaleFollower()),
      timeoutMs: 5000,
      intervalMs: 1,
      fix: 'n/a',
      stuckAfterMs: 20,
      stepDownMetaLeader: async (server) => {
        to.push(server);
      },
    });
    assert.deepEqual(to, ['c1-xr-js-nats-0'], 'handed to a follower that counts right (c2-xr-js-nats-0 does not, c1-js-nats-0 leads)');
    assert.equal(r.verdict.ok, true);
  });

  it('does not step down while anything else is still wrong (servers still starting)', () => {
    const expected = expectedTopology(topo);
    const alsoMissing = withStaleFollower().filter((s) => s.name !== 'c1-gw-nats-0');
    assert.equal(onlyStaleMetaSize(verify(expected, alsoMissing)), false);
    assert.equal(onlyStaleMetaSize(verify(expected, withStaleFollower())), true);
    assert.equal(onlyStaleMetaSize(verify(expected, healthyLive(topo))), false);
    // The leader itself counting fewer: a step-down is the way out too.
    const leaderShort = healthyLive(topo).map((s) => (s.name === 'c1-js-nats-0' ? { ...s, metaClusterSize: 3 } : s));
    assert.equal(onlyStaleMetaSize(verify(expected, leaderShort)), true);
    // Counting more is removed servers still in the group: a peer removal, not a step-down.
    const leaderLong = healthyLive(topo).map((s) => (s.name === 'c1-js-nats-0' ? { ...s, metaClusterSize: 6 } : s));
    assert.equal(onlyStaleMetaSize(verify(expected, leaderLong)), false);
  });

  it('does not step down when no follower counts right: the new leader would spread its wrong count', async () => {
    const everyoneShort = healthyLive(topo).map((s) => (s.jetstream ? { ...s, metaClusterSize: 3 } : s));
    assert.equal(rightCountingServer(everyoneShort, 4), undefined);
    const onlyTheLeaderRight = healthyLive(topo).map((s) => (s.jetstream && s.name !== 'c1-js-nats-0' ? { ...s, metaClusterSize: 3 } : s));
    assert.equal(rightCountingServer(onlyTheLeaderRight, 4), undefined, 'stepping down for itself changes nothing');
    let stepDowns = 0;
    await assert.rejects(
      waitConverged({
        topology: topo,
        observe: async () => everyoneShort,
        timeoutMs: 100,
        intervalMs: 1,
        fix: 'look',
        stepDownMetaLeader: async () => {
          stepDowns++;
        },
      }),
      /meta group has 3 peers/,
    );
    assert.equal(stepDowns, 0);
  });

  it('leaves a wrong count alone while it may still correct itself (a starting server sizes the group every second)', async () => {
    let tries = 0;
    let stepDowns = 0;
    const r = await waitConverged({
      topology: topo,
      observe: async () => (++tries < 20 ? withStaleFollower() : healthyLive(topo)),
      timeoutMs: 5000,
      intervalMs: 1,
      fix: 'n/a',
      stuckAfterMs: 60_000,
      stepDownMetaLeader: async () => {
        stepDowns++;
      },
    });
    assert.equal(r.verdict.ok, true);
    assert.equal(stepDowns, 0);
  });

  it('steps down at most once per settling period', async () => {
    let stepDowns = 0;
    await assert.rejects(
      waitConverged({
        topology: topo,
        observe: async () => withStaleFollower(),
        timeoutMs: 300,
        intervalMs: 1,
        stuckAfterMs: 10,
        fix: 'look',
        stepDownMetaLeader: async () => {
          stepDowns++;
        },
      }),
      /did not converge in 0s:\n {2}- 1 JetStream server\(s\) count the meta group wrong/,
    );
    assert.equal(stepDowns, 1);
  });

  it('stops at once when a started server has exited, instead of waiting out its time', async () => {
    let tries = 0;
    await assert.rejects(
      waitConverged({
        topology: topo,
        observe: async () => {
          tries++;
          return healthyLive(topo).slice(1);
        },
        timeoutMs: 60_000,
        intervalMs: 1,
        fix: 'n/a',
        failFast: () => (tries >= 2 ? new Error('1 nats-server process(es) exited right after starting') : undefined),
      }),
      /exited right after starting/,
    );
    assert.equal(tries, 2, 'the second try saw it and stopped');
  });
});
