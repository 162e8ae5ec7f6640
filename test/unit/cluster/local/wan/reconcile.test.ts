import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalState } from '../../../../../cluster/local/state.js';
import { wanTable } from '../../../../../cluster/local/wan/reconcile.js';
import { buildTopology } from '../../../../../nats/topology.js';

const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
const table = (wan?: string) => wanTable({ names: topo.names, ...(wan ? { wan } : {}) } as unknown as LocalState, topo.names);

describe("the saved --wan, as the router's round trips", () => {
  it('is every pair at the delay given, or each pair at its own', () => {
    assert.deepEqual(table('40ms'), { 'c1~c2': 40, 'c1~c3': 40, 'c2~c3': 40 });
    assert.deepEqual(table('c1-c2=30ms,c1-c3=80ms,c2-c3=60ms'), { 'c1~c2': 30, 'c1~c3': 80, 'c2~c3': 60 });
  });
  it('keeps the layer without delay for 0ms, and has none when off or never set', () => {
    assert.deepEqual(table('0ms'), { 'c1~c2': 0, 'c1~c3': 0, 'c2~c3': 0 });
    assert.equal(table('off'), undefined);
    assert.equal(table(), undefined);
  });
});
