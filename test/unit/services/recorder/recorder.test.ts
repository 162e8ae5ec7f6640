// The recorder's backoff for a database that does not answer, and for a consumer that is missing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONSUMER_RETRY_CAP_MS, nextBackoff } from '../../../../services/recorder/recorder.js';

describe('recorder', () => {
  it('backs off exponentially to 5 seconds', () => {
    const seq = [0, 0, 0, 0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0)], []);
    assert.deepEqual(seq, [250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('looks for a missing consumer at least every second', () => {
    const seq = [0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0, CONSUMER_RETRY_CAP_MS)], []);
    assert.deepEqual(seq, [250, 500, 1000, 1000]);
  });
});
