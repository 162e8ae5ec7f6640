// Each bench's options as its users give them, and the rule that a bad option ends the bench
// with exit 2 before it runs anything (no sandbox is made).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Bench, benchOptions, defineBench, runBench } from '../../../bench/lib/bench.js';
import { count, type OptionSpecs, type OptionValues } from '../../../bench/lib/options.js';
import { bench as services } from '../../../bench/services.js';
import { bench as supercluster } from '../../../bench/supercluster.js';
import { bench as wan } from '../../../bench/wan.js';
import { parseVariants, bench as wanRoutes } from '../../../bench/wan-routes.js';
import { UsageError } from '../../../core/errors.js';

const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

/** Parses and checks as runBench does, without running. */
function options<S extends OptionSpecs>(b: Bench<S>, argv: string[]): OptionValues<S> {
  return benchOptions(b, argv) ?? assert.fail('help');
}

describe('the benches take their documented options', () => {
  it('supercluster: names, runs, port base', () => {
    const o = options(supercluster, ['--names', 'c1,c2', '--runs', '1', '--port-base', '12500']);
    assert.deepEqual(o.names, ['c1', 'c2']);
    assert.equal(o.runs, 1);
    assert.throws(() => options(supercluster, ['--names', 'c1,c1']), usage(/duplicate cluster name/));
  });

  it('services: counts for runs, rounds, concurrency, backlog', () => {
    const o = options(services, ['--runs', '1', '--rounds', '10', '--concurrency', '4', '--backlog', '100']);
    assert.deepEqual([o.runs, o.rounds, o.concurrency, o.backlog, o['port-base']], [1, 10, 4, 100, 12000]);
    assert.throws(() => options(services, ['--rounds', '0']), usage(/--rounds takes a positive whole number/));
    assert.throws(() => options(services, ['--replicas', 'seed=1']), usage(/Unknown option '--replicas'/));
  });

  it('wan: --wan and --drill-wan through the WAN parser, drill kinds known, drill options only with --drills', () => {
    const o = options(wan, [
      '--wan',
      '30ms',
      '--samples',
      '4',
      '--replicas',
      'seed=1,js=1,gw=1,xr=1',
      '--drills',
      '--drill-kinds',
      'leader-kill',
    ]);
    assert.equal(o.wan.text, '30ms');
    assert.deepEqual(o['drill-kinds'], ['leader-kill']);
    assert.deepEqual(o['drill-wan'].table, { 'c1~c2': 40, 'c1~c3': 40, 'c2~c3': 40 });
    assert.equal(options(wan, []).replicas, undefined);
    assert.throws(() => options(wan, ['--wan', 'c1-c2=-5ms']), usage(/cannot be negative/));
    assert.throws(() => options(wan, ['--drills', '--drill-kinds', 'meteor']), usage(/'meteor' not one of region-loss/));
    assert.throws(
      () => options(wan, ['--drill-seconds', '5']),
      usage(/^--drill-seconds is only for --drills; add --drills or leave it out$/),
    );
  });

  it('wan-routes: variants checked against the route compressions, pools 1 to 64', () => {
    const o = options(wanRoutes, ['--variants', 's2_fast:2', '--replicas', 'seed=1,js=1,gw=1,xr=1']);
    assert.deepEqual(o.variants, [{ compression: 's2_fast', pool: 2, label: 's2_fast pool 2' }]);
    assert.equal(options(wanRoutes, []).variants.length, 4);
    assert.equal(options(wanRoutes, []).replicas, 'seed=1,js=1,gw=1,xr=3');
    assert.throws(
      () => parseVariants('zstd:3', '--variants'),
      usage(/compression must be one of off, accept, s2_fast, s2_better, s2_best, s2_auto; got 'zstd'/),
    );
    assert.throws(() => parseVariants('accept:0', '--variants'), usage(/pool size takes a whole number from 1 to 64; got '0'/));
    assert.throws(() => parseVariants('accept', '--variants'), usage(/takes compression:pool pairs/));
    assert.throws(() => parseVariants('accept:3,accept:3', '--variants'), usage(/accept pool 3 more than once/));
  });
});

describe('runBench', () => {
  const demo = (ran: string[]) =>
    defineBench({
      name: 'demo',
      summary: 'a demo',
      options: { runs: count('runs', 1) },
      check: (o) => {
        if (o.runs > 5) throw new UsageError('too many runs');
      },
      run: async (o) => {
        ran.push(`runs=${o.runs}`);
        if (o.runs === 2) throw new Error('it broke');
      },
    });

  it('runs a bench whose options pass: exit 0', async () => {
    const ran: string[] = [];
    assert.equal(await runBench(demo(ran), ['--runs', '3']), 0);
    assert.deepEqual(ran, ['runs=3']);
  });

  it('exits 2 without running on a bad option or a failed check, 1 on a failure while it runs', async () => {
    const ran: string[] = [];
    const quiet = process.stderr.write;
    process.stderr.write = () => true;
    try {
      assert.equal(await runBench(demo(ran), ['--runs', '0']), 2);
      assert.equal(await runBench(demo(ran), ['--what']), 2);
      assert.equal(await runBench(demo(ran), ['--runs', '6']), 2);
      assert.deepEqual(ran, []);
      assert.equal(await runBench(demo(ran), ['--runs', '2']), 1);
    } finally {
      process.stderr.write = quiet;
    }
  });
});
