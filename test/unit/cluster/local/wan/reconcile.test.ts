import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalState } from '../../../../../cluster/local/state.js';
import { formingOnFastLinks, wanTable } from '../../../../../cluster/local/wan/reconcile.js';
import { buildTopology } from '../../../../../nats/topology.js';

const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
const state = (wan?: string) => wanTable({ names: topo.names, ...(wan ? { wan } : {}) } as unknown as LocalState, topo.names);

describe('the JetStream meta group forms on fast links', () => {
  it('when JetStream servers start behind links with a delay', () => {
    assert.equal(formingOnFastLinks(state('40ms'), topo, ['c1-js-nats-0']), true);
    assert.equal(formingOnFastLinks(state('c1-c2=30ms'), topo, ['c2-xr-js-nats-0', 'c2-nats-0']), true);
  });
  it('not when only servers without JetStream start, nothing starts, or there is no delay to lift', () => {
    assert.equal(formingOnFastLinks(state('40ms'), topo, ['c1-nats-0', 'c1-gw-nats-0']), false);
    assert.equal(formingOnFastLinks(state('40ms'), topo, []), false);
    assert.equal(formingOnFastLinks(state('0ms'), topo, ['c1-js-nats-0']), false);
    assert.equal(formingOnFastLinks(state(), topo, ['c1-js-nats-0']), false);
  });
});
