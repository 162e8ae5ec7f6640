import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LiveFeed } from '../../../ui/feed.js';

/** Wait (bounded) until `check` holds. */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('live feed', () => {
  it('sends frames in the order they were started, dropping one that finishes after a newer one', async () => {
    let n = 0;
    // Frame 1 is slow (a server that does not answer), the later ones are quick.
    const feed = new LiveFeed(async () => {
      const me = ++n;
      await sleep(me === 1 ? 200 : 5);
      return { me };
    }, 20);
    const got: number[] = [];
    const stop = feed.subscribe((json) => got.push((JSON.parse(json) as { me: number }).me));
    await until(() => got.length >= 3 && n >= 12);
    stop();
    feed.close();
    assert.ok(!got.includes(1), `the slow first frame arrived after newer ones and must be dropped: ${got}`);
    assert.deepEqual(
      got,
      [...got].sort((a, b) => a - b),
    );
  });

  it('gives a new subscriber the latest frame at once, reports errors, and stops asking when nobody listens', async () => {
    let calls = 0;
    const errors: string[] = [];
    const feed = new LiveFeed(
      async () => {
        calls++;
        if (calls === 2) throw new Error('no server answered');
        return { calls };
      },
      10,
      (e) => errors.push(e.message),
    );
    const first: string[] = [];
    const stop = feed.subscribe((j) => first.push(j));
    await until(() => first.length >= 2);
    stop();
    assert.deepEqual(errors, ['no server answered']);
    const late: string[] = [];
    const stopLate = feed.subscribe((j) => late.push(j));
    assert.equal(late.length, 1, 'the latest frame at once');
    stopLate();
    await sleep(300); // the loop notices at its next tick; a frame already started may still finish
    const after = calls;
    await sleep(80);
    assert.equal(calls, after, 'no frames while nobody listens');
    feed.close();
  });
});
