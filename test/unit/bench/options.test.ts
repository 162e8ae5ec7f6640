// The benches' one option parser: counts are positive whole numbers, unknown options, positionals
// and repeats are refused, and every refusal is a UsageError (exit 2) with what to write instead.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  baselineFile,
  benchHelp,
  count,
  listOf,
  parseBenchOptions,
  portBase,
  replicas,
  saveFile,
  switchOption,
  wanDelays,
} from '../../../bench/lib/options.js';
import { UsageError } from '../../../core/errors.js';

const SPECS = {
  runs: count('runs', 3),
  concurrency: count('in flight', 64, 10_000),
  'port-base': portBase(12000),
  keep: switchOption('keep it'),
};

const parse = (argv: string[]) => {
  const r = parseBenchOptions('demo', SPECS, argv);
  assert.equal(r.help, false);
  return r.help ? assert.fail() : r;
};

const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

describe('parseBenchOptions', () => {
  it('gives the defaults, typed, when nothing is given', () => {
    const { options, given } = parse([]);
    assert.deepEqual(options, { runs: 3, concurrency: 64, 'port-base': 12000, keep: false });
    assert.equal(given.size, 0);
  });

  it('reads values, --flag=value and switches, and says which were given', () => {
    const { options, given } = parse(['--runs', '1', '--port-base=11000', '--keep']);
    assert.deepEqual(options, { runs: 1, concurrency: 64, 'port-base': 11000, keep: true });
    assert.deepEqual([...given].sort(), ['keep', 'port-base', 'runs']);
  });

  it('takes counts as positive whole numbers only', () => {
    for (const bad of ['0', '-1', '1.5', '2e3', 'three', '', ' ']) {
      assert.throws(() => parse([`--runs=${bad}`]), usage(/^--runs takes a positive whole number; got '/), bad);
    }
    assert.throws(() => parse(['--concurrency', '10001']), usage(/--concurrency takes a whole number from 1 to 10000; got '10001'/));
    assert.throws(() => parse(['--port-base', '80']), usage(/--port-base takes a whole number from 1025 to 65535; got '80'/));
  });

  it('refuses unknown options, positionals, repeats, a missing value and a value given to a switch', () => {
    assert.throws(() => parse(['--rnus', '3']), usage(/Unknown option '--rnus'\nrun 'npx zx bench\/demo.mjs --help' for its options$/));
    assert.throws(() => parse(['c1']), usage(/Unexpected argument 'c1'/));
    assert.throws(() => parse(['--runs', '1', '--runs', '2']), usage(/--runs given more than once/));
    assert.throws(() => parse(['--runs']), usage(/--runs <value>' argument missing/));
    assert.throws(() => parse(['--keep=yes']), usage(/'--keep' does not take an argument/));
  });

  it('answers --help without parsing the rest, and the help lists every option', () => {
    assert.deepEqual(parseBenchOptions('demo', SPECS, ['--runs', '0', '--help']), { help: true });
    const help = benchHelp('demo', 'What it measures.', SPECS);
    assert.match(help, /^What it measures\.\n\nusage: npx zx bench\/demo\.mjs \[options\]/);
    for (const line of ['--runs N', '--concurrency N', '--port-base PORT', '--keep', '--help']) assert.ok(help.includes(line), line);
  });
});

describe('the option kinds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-options-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--baseline must exist; --save must have a folder', () => {
    const file = join(dir, 'baseline.json');
    writeFileSync(file, '{}');
    assert.equal(baselineFile().parse(file, '--baseline'), file);
    assert.equal(baselineFile().parse(undefined, '--baseline'), undefined);
    assert.throws(
      () => baselineFile().parse(join(dir, 'nope.json'), '--baseline'),
      usage(/nope\.json: no such file \(write one with --save\)/),
    );
    assert.equal(saveFile().parse(join(dir, 'new.json'), '--save'), join(dir, 'new.json'));
    assert.throws(() => saveFile().parse(join(dir, 'no', 'new.json'), '--save'), usage(/the folder .*no does not exist/));
  });

  it('--wan goes through the project WAN parser, and off is no WAN to measure', () => {
    const wan = wanDelays('60ms', ['c1', 'c2', 'c3'], 'the WAN');
    assert.deepEqual(wan.parse(undefined, '--wan'), { text: '60ms', table: { 'c1~c2': 60, 'c1~c3': 60, 'c2~c3': 60 } });
    assert.deepEqual(wan.parse('40ms,c1-c3=80ms', '--wan').table, { 'c1~c2': 40, 'c1~c3': 80, 'c2~c3': 40 });
    assert.throws(() => wan.parse('fast', '--wan'), usage(/--wan every pair: 'fast' is not a delay/));
    assert.throws(() => wan.parse('c1-c4=10ms', '--wan'), usage(/does not name two sites of this sandbox \(c1, c2, c3\)/));
    assert.throws(() => wan.parse('off', '--drill-wan'), usage(/--drill-wan off leaves no WAN to measure/));
  });

  it('--replicas is checked as the scripts check it and passed on as given', () => {
    assert.equal(replicas().parse(undefined, '--replicas'), undefined);
    assert.equal(replicas('seed=1,js=1,gw=1,xr=3').parse(undefined, '--replicas'), 'seed=1,js=1,gw=1,xr=3');
    assert.equal(replicas().parse('seed=1,xr=1', '--replicas'), 'seed=1,xr=1');
    assert.throws(() => replicas().parse('xr=0', '--replicas'), usage(/--replicas takes role=n pairs/));
    assert.throws(() => replicas().parse('', '--replicas'), usage(/--replicas needs role=n pairs/));
  });

  it('a list takes known items once each', () => {
    assert.deepEqual(listOf('a, b', '--kinds', ['a', 'b', 'c']), ['a', 'b']);
    assert.throws(() => listOf('a,d', '--kinds', ['a', 'b']), usage(/--kinds: 'd' not one of a, b/));
    assert.throws(() => listOf('a,a', '--kinds', ['a', 'b']), usage(/--kinds names a more than once/));
  });
});
