// A command line against its command's declaration: names, the sandbox flags, the command's own
// typed flags, refused before anything runs. And install's order of stages and head start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invocation, Provider } from '../../../../cluster/provider.js';
import { UsageError } from '../../../../core/errors.js';
import { validateNames } from '../../../../core/input.js';
import { command as drill } from '../../../../scripts/lib/commands/drill.js';
import { command as install } from '../../../../scripts/lib/commands/install.js';
import { command as region } from '../../../../scripts/lib/commands/region.js';
import { command as status } from '../../../../scripts/lib/commands/status.js';
import { helpText } from '../../../../scripts/lib/help.js';
import { parseCommandLine } from '../../../../scripts/lib/run.js';

const line = (argv: string[]) => parseCommandLine(install, argv);

describe('a command line', () => {
  it('gives names, the sandbox flags and the typed --wan', () => {
    const a = line([
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
      '--wan',
      '40ms',
    ]);
    assert.deepEqual(a.selection, {
      names: ['c1', 'eu-west'],
      provider: 'kube',
      contexts: { c1: 'ctx-a', 'eu-west': 'ctx-b' },
      dryRun: true,
      replicas: { seed: 1, xr: 2 },
      wan: { 'c1~eu-west': 40 },
    });
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

  it('needs at least one name for a command that defines the topology, none for one on the saved sandbox', () => {
    assert.throws(() => line([]), /install needs at least one cluster name/);
    assert.deepEqual(parseCommandLine(status, []).selection.names, []);
  });
  it('rejects unknown flags naming them', () => assert.throws(() => line(['c1', '--bogus']), /Unknown option '--bogus'/));
  it('rejects an unknown provider', () =>
    assert.throws(() => line(['c1', '--provider', 'aws']), /--provider must be one of auto, local, k3d, kube/));
  it('rejects malformed replicas', () => assert.throws(() => line(['c1', '--replicas', 'js=0']), /--replicas takes role=n pairs/));
  it('rejects malformed and unknown contexts', () => {
    assert.throws(() => line(['c1', '--context', 'c1']), /--context takes name=context/);
    assert.throws(() => line(['c1', '--context', 'c9=x']), /not in the list: c9/);
  });
  it('lets --help through without names', () => assert.equal(line(['--help']).help, true));
  it('rejects a role given twice in --replicas', () =>
    assert.throws(() => line(['c1', '--replicas', 'js=1,js=2']), /--replicas names js twice/));
  it('rejects a flag given twice instead of keeping the last', () =>
    assert.throws(() => line(['c1', '--replicas', 'js=1', '--replicas', 'js=2']), /--replicas given more than once/));
  it('accepts repeatable flags more than once', () =>
    assert.deepEqual(line(['c1', 'c2', '--context', 'c1=a', '--context', 'c2=b']).selection.contexts, { c1: 'a', c2: 'b' }));
  it('rejects more servers per role than one machine should run, before any port is looked at', () => {
    for (const n of ['1000', '20000'])
      assert.throws(
        () => line(['c1', '--replicas', `seed=${n}`]),
        (e) => e instanceof UsageError && /at most 15 servers per role/.test(e.message),
      );
  });
  it('reads a negative value as the value it is, and refuses it for what it is', () => {
    assert.throws(() => line(['c1', '--wan', '-5ms']), /--wan every pair: a delay cannot be negative \('-5ms'\)/);
    assert.throws(
      () => parseCommandLine(drill, ['leader-kill', '--seconds', '-1']),
      /--seconds must be a whole number from 3 to 3600; got '-1'/,
    );
  });
  it('checks --wan against the names given', () => {
    assert.throws(() => line(['c1', 'c2', '--wan', 'c1-c9=3ms']), /does not name two sites of this sandbox/);
  });
  it("runs a command's own checks before anything runs", () => {
    assert.throws(() => parseCommandLine(region, ['c3']), /exactly one of --down or --up/);
    assert.throws(() => parseCommandLine(region, ['c3', '--down', '--up']), /exactly one of --down or --up/);
  });
});

describe('a command with positionals of its own (drill)', () => {
  it('leaves its positionals to the command instead of checking them as cluster names', () => {
    const a = parseCommandLine(drill, ['server-kill', '2', '--provider', 'local']);
    assert.deepEqual(a.positionals, ['server-kill', '2']);
    assert.deepEqual(a.selection.names, []);
    assert.throws(() => parseCommandLine(drill, ['nope']), /unknown drill 'nope'/);
  });

  it('shows its own usage line in the help', () => {
    assert.match(helpText(drill), /usage: npx zx scripts\/drill\.mjs <kind> \[args\] \[flags\], kind one of:/);
    assert.doesNotMatch(helpText(drill), /Cluster names are DNS-1123/);
  });
});

describe('install', () => {
  const settings = {} as never;
  it('runs the stages in order and starts the head start right after its stage, before the next', async () => {
    const events: string[] = [];
    const stage = (id: string) => async () => {
      events.push(id);
    };
    const provider = {
      name: 'local',
      stages: { '01-clusters': stage('01'), '02-certs': stage('02'), '06-supercluster': stage('06'), '08-services': stage('08') },
      skipped: {},
      preflight: async () => {
        events.push('preflight');
      },
      headStart: { after: '02-certs', start: () => events.push('head start') },
    } as unknown as Provider;
    await install.run({
      options: { wan: undefined, yes: false, auth: undefined },
      positionals: ['c1'],
      settings,
      provider,
      invocation: { names: ['c1'] } as unknown as Invocation,
      prepared: undefined,
    });
    assert.deepEqual(events, ['preflight', '01', '02', 'head start', '06', '08']);
  });

  it('starts no head start when an earlier stage fails (bad input starts nothing)', async () => {
    const events: string[] = [];
    const provider = {
      name: 'local',
      stages: {
        '01-clusters': async () => {
          throw new Error('port 4222 is held by pid 1');
        },
      },
      skipped: {},
      headStart: { after: '02-certs', start: () => events.push('head start') },
    } as unknown as Provider;
    await assert.rejects(
      install.run({
        options: { wan: undefined, yes: false, auth: undefined },
        positionals: ['c1'],
        settings,
        provider,
        invocation: { names: ['c1'] } as unknown as Invocation,
        prepared: undefined,
      }),
      /held by pid/,
    );
    assert.deepEqual(events, []);
  });
});
