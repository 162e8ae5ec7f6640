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
      /--from names site\(s\) not in this sandbox: c9/,
    );
    assert.throws(() => partitionRequest({ heal: false, regions: ['c3'], from: ['c3'] }, ALL), /cannot be cut off from itself/);
    assert.throws(() => partitionRequest({ heal: false, regions: ['c3'], from: [] }, ALL), /at least one region/);
  });
});

describe('partition with edge sites', () => {
  const SITES = { regions: ALL, edges: ['e1', 'e2'] };

  it('cuts an edge site off from every region (its hub and its fallback)', () => {
    assert.deepEqual(partitionRequest({ heal: false, regions: ['e1'] }, SITES), { heal: false, regions: ['e1'], from: ALL });
  });
  it('or from its hub only, so it fails over', () => {
    assert.deepEqual(partitionRequest({ heal: false, regions: ['e1'], from: ['c1'] }, SITES), {
      heal: false,
      regions: ['e1'],
      from: ['c1'],
    });
  });
  it('cuts a region off from every other site, its edge sites included', () => {
    assert.deepEqual(partitionRequest({ heal: false, regions: ['c3'] }, SITES), {
      heal: false,
      regions: ['c3'],
      from: ['c1', 'c2', 'e1', 'e2'],
    });
  });
  it('refuses a name that is neither a region nor an edge site', () => {
    assert.throws(
      () => partitionRequest({ heal: false, regions: ['e9'] }, SITES),
      /e9: not a region or edge site of this sandbox \(it has c1, c2, c3, e1, e2\)/,
    );
    assert.throws(() => partitionRequest({ heal: true, regions: ['c9'] }, SITES), /c9: not a region or edge site/);
  });
});
