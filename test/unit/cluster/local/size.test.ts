// Before a sandbox larger than the default starts, its size is said; what the machine cannot hold
// is refused unless --yes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimate, judgeSize, MARIADB_MIB, SERVER_MIB, SERVICES_HOST_MIB } from '../../../../cluster/local/size.js';
import { buildTopology } from '../../../../nats/topology.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);

describe('the size of a local sandbox', () => {
  it('counts servers, ports and memory from the topology', () => {
    assert.deepEqual(estimate(buildTopology(names(12))), {
      servers: 144,
      ports: 576,
      memoryMiB: 144 * SERVER_MIB + 12 * SERVICES_HOST_MIB + MARIADB_MIB,
    });
  });

  it('says nothing for the default sandbox or a smaller one, and the estimate for a larger one', () => {
    assert.deepEqual(judgeSize(buildTopology(names(3)), 36 * SERVER_MIB, 20_000, 2, false), {});
    const big = judgeSize(buildTopology(names(12)), 144 * SERVER_MIB, 40_000, 8, false);
    assert.equal(big.refusal, undefined);
    assert.match(
      big.line ?? '',
      /^size: 144 servers, 576 ports, about 6\.7 GiB of memory with the services \(40000 MiB available now\), 18 servers per CPU$/,
    );
  });

  it('refuses servers that need more than 80% of the memory available, with the ways out, unless --yes', () => {
    const topo = buildTopology(names(12));
    const refused = judgeSize(topo, 144 * SERVER_MIB, 2000, 8, false);
    assert.match(refused.refusal ?? '', /need about 6\.2 GiB and this machine has 2000 MiB available/);
    assert.match(
      refused.refusal ?? '',
      /fix: fewer names or smaller --replicas .*, or npx zx scripts\/install\.mjs c1 .* c12 --yes to start them anyway/,
    );
    assert.equal(judgeSize(topo, 144 * SERVER_MIB, 2000, 8, true).refusal, undefined);
    assert.equal(judgeSize(topo, 0, 2000, 8, false).refusal, undefined, 'nothing to start: nothing to refuse');
  });

  it('refuses more servers per CPU than were measured to converge, whatever the memory, unless --yes', () => {
    const twelve = judgeSize(buildTopology(names(12)), 144 * SERVER_MIB, 20_000, 2, false);
    assert.match(twelve.refusal ?? '', /^144 servers on 2 CPU\(s\) is 72 per CPU; past 24 per CPU the mesh was measured not to form/);
    assert.match(twelve.refusal ?? '', /--yes to start them anyway$/);
    assert.equal(judgeSize(buildTopology(names(4)), 48 * SERVER_MIB, 20_000, 2, false).refusal, undefined, '48 on 2 CPUs converged');
    assert.match(judgeSize(buildTopology(names(5)), 60 * SERVER_MIB, 20_000, 2, false).refusal ?? '', /60 servers on 2 CPU/);
    assert.equal(judgeSize(buildTopology(names(12)), 144 * SERVER_MIB, 20_000, 2, true).refusal, undefined);
    assert.equal(judgeSize(buildTopology(names(12)), 0, 20_000, 2, false).refusal, undefined, 'all running: nothing to refuse');
  });
});
