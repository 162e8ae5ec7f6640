// The publish window: backpressure when full, retries with the same message id, done only on ack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, type Outcome, PublishWindow } from '../../../../services/requester/publish-window.js';

const msg = (id: string) => ({ subject: 'answers.significant', data: '{}', msgID: id });

describe('publish window', () => {
  it('makes the sender wait while the window is full and lets it in when an ack frees a slot', async () => {
    const pending: (() => void)[] = [];
    const w = new PublishWindow(() => new Promise<void>((r) => pending.push(r)), { size: 2, attempts: 1 });
    const done: string[] = [];
    await w.send(msg('a'), () => done.push('a'));
    await w.send(msg('b'), () => done.push('b'));
    let third = false;
    const sending = w
      .send(msg('c'), () => done.push('c'))
      .then(() => {
        third = true;
      });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(third, false, 'waits while 2 are unacknowledged');
    assert.equal(w.outstanding, 2);
    pending.shift()!();
    await sending;
    assert.equal(third, true);
    assert.deepEqual(done, ['a']);
    for (const p of pending.splice(0)) p();
    await new Promise((r) => setTimeout(r, 0));
    pending.shift()?.();
    await w.drain();
    assert.deepEqual(done.sort(), ['a', 'b', 'c']);
    assert.equal(w.peak, 2);
  });

  it('retries a failed publish with the same message id and reports success only after the ack', async () => {
    const seen: string[] = [];
    const w = new PublishWindow(
      async (m) => {
        seen.push(m.msgID);
        if (seen.length < 3) throw new Error('timeout');
      },
      { size: 4, attempts: 5, retryDelayMs: () => 1 },
    );
    let outcome: Outcome | undefined;
    await w.send(msg('run.1.add'), (o) => {
      outcome = o;
    });
    await w.drain();
    assert.deepEqual(seen, ['run.1.add', 'run.1.add', 'run.1.add']);
    assert.deepEqual(outcome, { ok: true, attempts: 3 });
  });

  it('gives up after the last attempt and says why', async () => {
    const w = new PublishWindow(
      async () => {
        throw new Error('no stream');
      },
      { size: 1, attempts: 2, retryDelayMs: () => 1 },
    );
    let outcome: Outcome | undefined;
    await w.send(msg('x'), (o) => {
      outcome = o;
    });
    await w.drain();
    assert.equal(outcome?.ok, false);
    assert.match(outcome && !outcome.ok ? outcome.error.message : '', /no stream/);
    assert.throws(() => new PublishWindow(async () => undefined, { size: 0, attempts: 1 }), /size >= 1/);
  });
});

describe('publish retry pauses', () => {
  it('double from 100 ms and stop growing at 1 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 11].map(backoffMs), [100, 200, 400, 800, 1000, 1000]);
  });
});
