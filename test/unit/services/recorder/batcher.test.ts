// Batches by count and by time: full batches at once, a partial one when its oldest item waited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../../../services/recorder/batcher.js';

describe('batcher', () => {
  it('hands out a full batch at once and keeps the rest for the next', async () => {
    const b = new Batcher<number>(3, 60_000);
    for (const x of [1, 2, 3, 4]) b.push(x);
    assert.deepEqual(await b.take(), [1, 2, 3]);
    assert.equal(b.size, 1);
  });

  it('hands out a partial batch once its oldest item has waited long enough', async () => {
    let now = 0;
    const b = new Batcher<string>(100, 50, () => now);
    const taking = b.take();
    b.push('a');
    now = 60;
    b.push('b');
    assert.deepEqual(await taking, ['a', 'b']);
  });

  it('ends with what is left, then empty batches, once closed; drain returns what was never taken', async () => {
    const b = new Batcher<number>(10, 60_000);
    b.push(1);
    b.close();
    assert.deepEqual(await b.take(), [1]);
    assert.deepEqual(await b.take(), []);
    b.push(2);
    assert.deepEqual(b.drain(), []);
    const c = new Batcher<number>(10, 60_000);
    c.push(7);
    assert.deepEqual(c.drain(), [7]);
    assert.throws(() => new Batcher(0, 10), /at least one item/);
  });
});
