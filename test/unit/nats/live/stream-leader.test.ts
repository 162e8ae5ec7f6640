// Moving a stream's leader to a named server, against a fake JetStream API that answers as
// nats-server 2.11+ does: stream info from the leader, a step-down that prefers a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Msg } from '@nats-io/transport-node';
import { StreamLeaderError } from '../../../../nats/errors.js';
import { moveStreamLeader } from '../../../../nats/live/stream-leader.js';
import { type JsApi, placementOf } from '../../../../nats/live/stream-placement.js';

interface FakeStream {
  leader?: string;
  servers: string[];
  /** Infos answered without a leader after a step-down (the election). */
  electionInfos?: number;
  /** What a step-down answers instead of success. */
  refuse?: string;
  /** Where the leadership goes after a step-down (default: the preferred server). */
  landsOn?: (preferred: string) => string;
  exists?: boolean;
}

function fakeApi(s: FakeStream): JsApi & { stepDowns: string[] } {
  const reply = (body: unknown) => ({ json: () => body }) as unknown as Msg;
  let electing = 0;
  let next: string | undefined;
  const stepDowns: string[] = [];
  return {
    stepDowns,
    async request(subject: string, payload?: unknown) {
      if (s.exists === false) return reply({ error: { code: 404, err_code: 10059, description: 'stream not found' } });
      if (subject === '$JS.API.STREAM.INFO.answers') {
        if (electing > 0 && --electing === 0) s.leader = next;
        const leader = electing > 0 ? undefined : s.leader;
        return reply({ cluster: { name: 'xr-js', leader, replicas: s.servers.filter((n) => n !== leader).map((name) => ({ name })) } });
      }
      if (subject === '$JS.API.STREAM.LEADER.STEPDOWN.answers') {
        const preferred = JSON.parse(String(payload)).placement.preferred as string;
        stepDowns.push(preferred);
        if (s.refuse) return reply({ error: { code: 400, description: s.refuse } });
        if (preferred === s.leader)
          return reply({ error: { code: 400, description: `preferred server "${preferred}" is already leader` } });
        next = s.landsOn ? s.landsOn(preferred) : preferred;
        electing = (s.electionInfos ?? 1) + 1;
        return reply({ success: true });
      }
      throw new Error(`unexpected request ${subject}`);
    },
  };
}

const SERVERS = ['c1-xr-js-nats-0', 'c2-xr-js-nats-0', 'c3-xr-js-nats-0'];

describe('placementOf', () => {
  it('lists the cluster, the leader and the replicas, sorted, once each, and the followers not current', () => {
    const info = {
      cluster: {
        name: 'xr-js',
        leader: 'b',
        replicas: [
          { name: 'c', current: true },
          { name: 'a', current: false },
        ],
      },
    };
    assert.deepEqual(placementOf(info), { cluster: 'xr-js', leader: 'b', servers: ['a', 'b', 'c'], behind: ['a'] });
    assert.deepEqual(placementOf({ cluster: { leader: '', replicas: [{ name: 'a' }] } }), { servers: ['a'], behind: ['a'] });
    assert.deepEqual(placementOf({}), { servers: [], behind: [] });
  });
});

describe('moveStreamLeader', () => {
  it('asks once with the server preferred and resolves when the stream reports it leader', async () => {
    const api = fakeApi({ leader: SERVERS[1], servers: SERVERS, electionInfos: 3 });
    await moveStreamLeader(api, 'answers', SERVERS[0]!, { intervalMs: 1 });
    assert.deepEqual(api.stepDowns, [SERVERS[0]]);
  });

  it('asks nothing when the leader is there already', async () => {
    const api = fakeApi({ leader: SERVERS[2], servers: SERVERS });
    await moveStreamLeader(api, 'answers', SERVERS[2]!, { intervalMs: 1 });
    assert.deepEqual(api.stepDowns, []);
  });

  it('asks again when the leadership landed elsewhere', async () => {
    let first = true;
    const landsOn = (preferred: string) => (first ? ((first = false), SERVERS[2]!) : preferred);
    const api = fakeApi({ leader: SERVERS[1], servers: SERVERS, landsOn });
    await moveStreamLeader(api, 'answers', SERVERS[0]!, { intervalMs: 1 });
    assert.deepEqual(api.stepDowns, [SERVERS[0], SERVERS[0]]);
  });

  it('refuses a server that holds no replica of the stream, naming those that do', async () => {
    const api = fakeApi({ leader: SERVERS[1], servers: SERVERS });
    await assert.rejects(
      moveStreamLeader(api, 'answers', 'c4-xr-js-nats-0', { intervalMs: 1 }),
      (e: Error) =>
        e instanceof StreamLeaderError &&
        /c4-xr-js-nats-0 holds no replica of stream answers; its servers: c1-xr-js-nats-0, c2/.test(e.message),
    );
    assert.deepEqual(api.stepDowns, []);
  });

  it('says at once that the stream does not exist', async () => {
    await assert.rejects(moveStreamLeader(fakeApi({ servers: [], exists: false }), 'answers', SERVERS[0]!, { timeoutMs: 60_000 }), {
      name: 'StreamLeaderError',
      message: 'stream answers: stream not found',
    });
  });

  it('gives up after its timeout with the reason the servers gave', async () => {
    const api = fakeApi({ leader: SERVERS[1], servers: SERVERS, refuse: 'preferred server "c1-xr-js-nats-0" not known' });
    await assert.rejects(moveStreamLeader(api, 'answers', SERVERS[0]!, { timeoutMs: 50, intervalMs: 5 }), {
      name: 'StreamLeaderError',
      message:
        'the leader of stream answers did not move to c1-xr-js-nats-0 in 0.05 s: the step-down was refused: preferred server "c1-xr-js-nats-0" not known',
    });
  });
});
