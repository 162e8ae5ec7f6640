import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allPorts, assignPorts } from '../../../../cluster/local/ports.js';

describe('local port plan', () => {
  it('gives every server four distinct consecutive ports from the base', () => {
    const plan = assignPorts(['a', 'b', 'c'], 30000);
    assert.deepEqual(plan.a, { client: 30000, cluster: 30001, gateway: 30002, monitor: 30003 });
    assert.deepEqual(plan.c, { client: 30008, cluster: 30009, gateway: 30010, monitor: 30011 });
    assert.equal(new Set(allPorts(plan)).size, 12);
  });

  it('keeps the ports of servers that were planned before and fills gaps for new ones', () => {
    const before = assignPorts(['a', 'b', 'c'], 30000);
    const after = assignPorts(['a', 'c', 'd', 'e'], 30000, before);
    assert.deepEqual(after.a, before.a);
    assert.deepEqual(after.c, before.c);
    assert.equal(after.d!.client, 30004, 'd takes the slot b left');
    assert.equal(after.e!.client, 30012);
  });

  it('rejects a base that leaves no room or is privileged', () => {
    assert.throws(() => assignPorts(['a'], 80), /between 1024 and/);
    assert.throws(
      () => assignPorts(['a', 'b'], 65530),
      /does not fit 2 servers \(4 ports each\): set LOCAL_PORT_BASE between 1024 and 32760 \(the servers' ports below 32768/,
    );
  });
});
