import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../../core/errors.js';
import { validateNames } from '../../../../core/input.js';
import { type CommandSpec, helpText, parseCommandArgs } from '../../../../scripts/lib/args.js';

const spec: CommandSpec = { name: 'install', summary: 'x', namesRequired: true, flags: { json: { type: 'boolean', description: 'json' } } };

describe('argument validation', () => {
  it('accepts DNS-1123 names, flags and name=context pairs', () => {
    const a = parseCommandArgs(spec, [
      'c1',
      'eu-west',
      '--provider',
      'kube',
      '--context',
      'c1=ctx-a',
      '--context',
      'eu-west=ctx-b',
      '--dry-run',
      '--replicas',
      'seed=1,xr=2',
    ]);
    assert.deepEqual(a.names, ['c1', 'eu-west']);
    assert.equal(a.provider, 'kube');
    assert.deepEqual(a.contexts, { c1: 'ctx-a', 'eu-west': 'ctx-b' });
    assert.equal(a.dryRun, true);
    assert.deepEqual(a.replicas, { seed: 1, xr: 2 });
  });

  const bad: [string, string[], RegExp][] = [
    ['upper case', ['C1'], /'C1' is not a DNS-1123 label/],
    ['leading digit', ['1c'], /'1c' is not a DNS-1123 label/],
    ['trailing dash', ['c1-'], /not a DNS-1123 label/],
    ['underscore', ['c_1'], /not a DNS-1123 label/],
    ['too long', ['a'.repeat(21)], /21 characters long; the limit is 20/],
    ['duplicate', ['c1', 'c2', 'c1'], /duplicate cluster name\(s\): c1/],
    ['reserved', ['xr-js'], /reserved for the stretched JetStream cluster/],
    ['colliding', ['c1', 'c1-gw'], /both make a server called c1-gw-nats-0/],
  ];
  for (const [what, names, msg] of bad) {
    it(`rejects ${what} names`, () =>
      assert.throws(
        () => validateNames(names),
        (e) => e instanceof UsageError && msg.test(e.message),
      ));
  }

  it('needs at least one name', () => assert.throws(() => parseCommandArgs(spec, []), /needs at least one cluster name/));
  it('rejects unknown flags naming them', () => assert.throws(() => parseCommandArgs(spec, ['c1', '--bogus']), /Unknown option '--bogus'/));
  it('rejects an unknown provider', () =>
    assert.throws(() => parseCommandArgs(spec, ['c1', '--provider', 'aws']), /--provider must be one of auto, local, k3d, kube/));
  it('rejects malformed replicas', () =>
    assert.throws(() => parseCommandArgs(spec, ['c1', '--replicas', 'js=0']), /--replicas takes role=n pairs/));
  it('rejects malformed and unknown contexts', () => {
    assert.throws(() => parseCommandArgs(spec, ['c1', '--context', 'c1']), /--context takes name=context/);
    assert.throws(() => parseCommandArgs(spec, ['c1', '--context', 'c9=x']), /not in the list: c9/);
  });
  it('lets --help through without names', () => assert.equal(parseCommandArgs(spec, ['--help']).help, true));
  it('rejects a role given twice in --replicas', () =>
    assert.throws(() => parseCommandArgs(spec, ['c1', '--replicas', 'js=1,js=2']), /--replicas names js twice/));
  it('rejects a flag given twice instead of keeping the last', () =>
    assert.throws(() => parseCommandArgs(spec, ['c1', '--replicas', 'js=1', '--replicas', 'js=2']), /--replicas given more than once/));
  it('accepts repeatable flags more than once', () =>
    assert.deepEqual(parseCommandArgs(spec, ['c1', 'c2', '--context', 'c1=a', '--context', 'c2=b']).contexts, { c1: 'a', c2: 'b' }));
  it('rejects more servers per role than one machine should run, before any port is looked at', () => {
    for (const n of ['1000', '20000'])
      assert.throws(
        () => parseCommandArgs(spec, ['c1', '--replicas', `seed=${n}`]),
        (e) => e instanceof UsageError && /at most 15 servers per role/.test(e.message),
      );
  });
});

describe('a command with positionals of its own (drill)', () => {
  const own: CommandSpec = { name: 'drill', summary: 'x', namesRequired: false, ownPositionals: true, usage: '<kind> [args] [flags]' };

  it('leaves its positionals to the command instead of checking them as cluster names', () => {
    const a = parseCommandArgs(own, ['server-kill', '2', '--provider', 'local']);
    assert.deepEqual(a.names, ['server-kill', '2']);
    assert.throws(() => parseCommandArgs({ ...own, ownPositionals: false }, ['server-kill', '2']), UsageError);
  });

  it('shows its own usage line in the help', () => {
    assert.match(helpText(own), /usage: npx zx scripts\/drill\.mjs <kind> \[args\] \[flags\]/);
    assert.doesNotMatch(helpText(own), /Cluster names are DNS-1123/);
  });
});
