// The recorder's backoff for a database that does not answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextBackoff } from '../../../../services/recorder/recorder.js';

describe('recorder', () => {
  it('backs off exponentially to 5 seconds', () => {
    const seq = [0, 0, 0, 0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0)], []);
    assert.deepEqual(seq, [250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
