import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionRequest } from '../../../../../cluster/local/wan/partition.js';

const ALL = ['c1', 'c2', 'c3'];

describe('partition: what to cut', () => {
  it('cuts the named regions off from every other region by default', () => {
    assert.deepEqual(partitionRequest({ heal: false, regions: ['c3'] }, ALL), { heal: false, regions: ['c3'], from: ['c1', 'c2'] });
  });
  it('or from the regions --from names', () => {
    assert.deepEqual(partitionRequest({ heal: false, regions: ['c3'], from: ['c1'] }, ALL), { heal: false, regions: ['c3'], from: ['c1'] });
  });
  it('heals the named regions, or all', () => {
    assert.deepEqual(partitionRequest({ heal: true, regions: [] }, ALL), { heal: true });
    assert.deepEqual(partitionRequest({ heal: true, regions: ['c2'] }, ALL), { heal: true, regions: ['c2'] });
  });
  it('refuses what cannot be a partition, saying why', () => {
    assert.throws(
      () => partitionRequest({ heal: false, regions: ['c1', 'c2', 'c3'] }, ALL),
      /cutting off every region .* leaves no two regions connected/,
    );
    assert.throws(() => partitionRequest({ heal: false, regions: [] }, ALL), /name the region\(s\) to cut off/);
    assert.throws(
      () => partitionRequest({ heal: false, regions: ['c3'], from: ['c9'] }, ALL),
      /--from names region\(s\) not in this sandbox: c9/,
    );
    assert.throws(() => partitionRequest({ heal: false, regions: ['c3'], from: ['c3'] }, ALL), /cannot be cut off from itself/);
    assert.throws(() => partitionRequest({ heal: false, regions: ['c3'], from: [] }, ALL), /at least one region/);
  });
});
