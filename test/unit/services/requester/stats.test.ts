// Percentiles, the significance rule and the bounded latency sample.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSignificant, LatencySample, latencySummary, percentile, seededRandom } from '../../../../services/requester/stats.js';

describe('requester numbers', () => {
  it('computes nearest-rank percentiles and the significance rule', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 90), 90);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile([], 50), 0);
    assert.deepEqual(latencySummary([3, 1, 2]), { p50: 2, p90: 3, p99: 3 });
    assert.equal(isSignificant(1.0001), true);
    assert.equal(isSignificant(1), false);
  });

  it('keeps every latency up to its capacity, then a uniform sample of bounded size', () => {
    const small = new LatencySample(10);
    for (const x of [5, 1, 3]) small.add(x);
    assert.deepEqual([...small.kept], [5, 1, 3]);
    const big = new LatencySample(1000, seededRandom(9));
    for (let i = 1; i <= 100_000; i++) big.add(i);
    assert.equal(big.kept.length, 1000);
    assert.equal(big.count, 100_000);
    const p50 = percentile(big.kept, 50);
    assert.ok(p50 > 40_000 && p50 < 60_000, `median of a uniform sample near the middle: ${p50}`);
  });
});
