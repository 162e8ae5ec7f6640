import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionRequest } from '../../../../../cluster/local/wan/partition.js';

const ALL = ['c1', 'c2', 'c3'];

describe('partition: what to cut', () => {
  it('cuts the named regions off from every other region by default', () => {
    assert.deepEqual(partitionRequest(['c3'], undefined, false, ALL), { heal: false, regions: ['c3'], from: ['c1', 'c2'] });
  });
  it('or from the regions --from names', () => {
    assert.deepEqual(partitionRequest(['c3'], 'c1', false, ALL), { heal: false, regions: ['c3'], from: ['c1'] });
  });
  it('heals the named regions, or all', () => {
    assert.deepEqual(partitionRequest([], undefined, true, ALL), { heal: true });
    assert.deepEqual(partitionRequest(['c2'], undefined, true, ALL), { heal: true, regions: ['c2'] });
  });
  it('refuses what cannot be a partition, saying why', () => {
    assert.throws(
      () => partitionRequest(['c1', 'c2', 'c3'], undefined, false, ALL),
      /cutting off every region .* leaves no two regions connected/,
    );
    assert.throws(() => partitionRequest([], undefined, false, ALL), /name the region\(s\) to cut off/);
    assert.throws(() => partitionRequest(['c3'], 'c9', false, ALL), /--from names region\(s\) not in this sandbox: c9/);
    assert.throws(() => partitionRequest(['c3'], 'c3', false, ALL), /cannot be cut off from itself/);
    assert.throws(() => partitionRequest(['c3'], ',', false, ALL), /at least one region/);
    assert.throws(() => partitionRequest(['c3'], 'c1', true, ALL), /--heal takes no --from/);
  });
});
