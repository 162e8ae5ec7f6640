// The requester's questions and message ids; a whole run against a fake connection: asking goes
// on while publishes await their acks, and only acknowledged answers count as published.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { answerMsgId, plannedTasks, questions, runRequester } from '../../../../services/requester/run.js';
import { seededRandom } from '../../../../services/requester/stats.js';

/** A connection whose math services answer at once (only `request` is used with a fake publish). */
function fakeConnection(): NatsConnection {
  const request = async (subject: string, data: string) => {
    const { first, second } = JSON.parse(data) as { first: number; second: number };
    const op = subject.split('.').pop()!;
    const result = { add: first + second, subtract: first - second, multiply: first * second, divide: first / second }[op]!;
    const body = { first, second, operation: op, result, region: 'c1', instance: `c1-${op}-0` };
    return { headers: undefined, json: () => body, data: new Uint8Array() };
  };
  return { request } as unknown as NatsConnection;
}

describe('requester questions', () => {
  it('plans the same questions for the same seed, four operations per round, never a 0 divisor', () => {
    const a = plannedTasks(50, 42);
    assert.deepEqual(a, plannedTasks(50, 42));
    assert.notDeepEqual(a, plannedTasks(50, 43));
    assert.equal(a.length, 200);
    assert.deepEqual(
      a.slice(0, 4).map((t) => t.op),
      ['add', 'subtract', 'multiply', 'divide'],
    );
    assert.ok(a.every((t) => t.second >= 1 && t.second <= 100 && t.first >= 1 && t.first <= 100));
    const r = seededRandom(1);
    assert.ok([r(), r(), r()].every((x) => x >= 0 && x < 1));
  });

  it('makes questions as they are asked, so a run of any length needs no memory up front', () => {
    const q = questions(100_000_000, 7);
    const first = q.next().value;
    assert.deepEqual(first, plannedTasks(1, 7)[0]);
  });

  it('gives every answer of a run its own message id, the same on every retry', () => {
    const ids = plannedTasks(3, 1).map((t) => answerMsgId('run1', t));
    assert.equal(new Set(ids).size, 12);
    assert.equal(ids[0], 'run1.0.add');
  });
});

describe('a requester run', () => {
  it('keeps asking while publishes await their acks, counting each answer once its ack arrived', async () => {
    const acks: (() => void)[] = [];
    const ids: string[] = [];
    let asked = 0;
    const nc = fakeConnection();
    const request = nc.request.bind(nc);
    (nc as unknown as { request: typeof request }).request = (...a: Parameters<typeof request>) => {
      asked++;
      return request(...a);
    };
    const run = runRequester(nc, {
      count: 10,
      concurrency: 2,
      seed: 3,
      runId: 'r',
      window: 8,
      publish: (m) => {
        ids.push(m.msgID);
        return new Promise<void>((resolve) => acks.push(resolve));
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    // No ack yet: the window is full and the askers wait, having asked only what it holds (+1 each).
    assert.equal(ids.length, 8);
    assert.ok(asked <= 8 + 2, `asked ${asked}`);
    while (ids.length < 40 || acks.length) {
      acks.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    const result = await run;
    assert.equal(result.summary.ok, 40);
    assert.equal(result.summary.published.significant + result.summary.published.throwaway, 40);
    assert.equal(new Set(ids).size, 40);
    assert.ok(result.peakWindow <= 8);
    assert.deepEqual(result.failures, {});
  });

  it('reports a publish that never got its ack as a failure of kind publish, not as published', async () => {
    const result = await runRequester(fakeConnection(), {
      count: 1,
      concurrency: 1,
      seed: 1,
      publishAttempts: 2,
      publish: async (m) => {
        if (m.msgID.endsWith('.add')) throw new Error('timeout');
      },
    });
    assert.deepEqual(result.failures, { publish: 1 });
    assert.equal(result.summary.errors, 0, 'the request itself was answered');
    assert.equal(result.summary.published.significant + result.summary.published.throwaway, 3);
  });

  it('gives up once publishes keep failing for good, naming the cause in words (no responders is not "not enabled")', async () => {
    const errors: string[] = [];
    const result = await runRequester(fakeConnection(), {
      count: 1000,
      concurrency: 2,
      seed: 3,
      publishAttempts: 1,
      giveUpAfter: 5,
      publish: async () => {
        throw new Error('jetstream is not enabled');
      },
      onError: (what) => errors.push(what),
    });
    assert.ok(result.summary.requests < 100, `asked ${result.summary.requests} of 4000 before giving up`);
    assert.match(
      result.gaveUp ?? '',
      /^stopped asking: 5 publishes in a row failed after every retry, none acknowledged since: no JetStream server answered the publish \(no responders\)/,
    );
    assert.ok(errors.every((e) => !/not enabled/.test(e)));
  });

  it('goes on while publishes fail now and then: only failures in a row with no ack between count', async () => {
    let n = 0;
    const result = await runRequester(fakeConnection(), {
      count: 50,
      concurrency: 1,
      seed: 3,
      publishAttempts: 1,
      giveUpAfter: 3,
      publish: async () => {
        if (++n % 2) throw new Error('timeout');
      },
    });
    assert.equal(result.summary.requests, 200);
    assert.equal(result.gaveUp, undefined);
    assert.equal(result.failures.publish, 100);
  });

  it('stops asking when its signal is aborted (a load bounded by time), telling each answer with its message id', async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    const result = await runRequester(fakeConnection(), {
      count: Number.MAX_SAFE_INTEGER,
      concurrency: 2,
      seed: 5,
      runId: 'r',
      signal: stop.signal,
      publish: async () => undefined,
      onAnswer: (answer, msgID) => {
        seen.push(`${answer.region} ${msgID}`);
        if (seen.length === 10) stop.abort();
      },
    });
    // Each asker finishes the question it holds, then asks no more.
    assert.ok(result.summary.requests >= 10 && result.summary.requests <= 11, `asked ${result.summary.requests}`);
    assert.equal(result.summary.ok, result.summary.requests);
    assert.equal(seen.length, result.summary.ok);
    assert.equal(seen[0], 'c1 r.0.add');
    assert.equal(new Set(seen).size, seen.length);
  });
});
