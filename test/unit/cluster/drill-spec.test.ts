// What a drill is asked: every kind and its arguments, every bad input refused with a usage error
// (exit 2) before anything runs, the flags, the checks against the sandbox, and when the fault comes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkDrill,
  DEFAULT_SECONDS,
  DEFAULT_SLOW_WAN_MS,
  describeDrill,
  everyPair,
  parseDrillSpec,
  pickServers,
  timeline,
} from '../../../cluster/drill-spec.js';
import { exitCode, UsageError } from '../../../core/errors.js';
import { command as drill } from '../../../scripts/lib/commands/drill.js';
import { parseCommandLine } from '../../../scripts/lib/run.js';

/** The drill's flags, as its command line gives them. */
const flags = (...argv: string[]) => parseCommandLine(drill, ['leader-kill', ...argv]).options as Record<string, unknown>;

const refuses = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof UsageError && exitCode(e) === 2 && message.test((e as Error).message));

describe('drill arguments', () => {
  it('parses every kind with its arguments', () => {
    assert.deepEqual(parseDrillSpec(['region-loss', 'c3']), { kind: 'region-loss', regions: ['c3'] });
    assert.deepEqual(parseDrillSpec(['partition', 'c1', 'c2']), { kind: 'partition', regions: ['c1', 'c2'] });
    assert.deepEqual(parseDrillSpec(['leader-kill']), { kind: 'leader-kill' });
    assert.deepEqual(parseDrillSpec(['revoke']), { kind: 'revoke' });
    assert.deepEqual(parseDrillSpec(['server-kill', '2']), { kind: 'server-kill', count: 2 });
    assert.deepEqual(parseDrillSpec(['mysql-outage', '5']), { kind: 'mysql-outage', seconds: 5 });
    assert.deepEqual(parseDrillSpec(['slow-wan']), { kind: 'slow-wan', rttMs: DEFAULT_SLOW_WAN_MS });
    assert.deepEqual(parseDrillSpec(['slow-wan', '300']), { kind: 'slow-wan', rttMs: 300 });
    assert.deepEqual(parseDrillSpec(['slow-wan', '300ms']), { kind: 'slow-wan', rttMs: 300 });
  });

  it('takes --seconds, --seed, --concurrency and --json, with defaults', () => {
    const d = flags();
    assert.equal(d.seconds, DEFAULT_SECONDS);
    assert.equal(d.json, false);
    assert.equal(d.seed, undefined, 'random, picked when the drill runs');
    const o = flags('--seconds', '6', '--seed', '42', '--concurrency', '2', '--json');
    assert.deepEqual([o.seconds, o.seed, o.concurrency, o.json], [6, 42, 2, true]);
  });

  it('refuses an unknown or missing kind, naming the kinds', () => {
    refuses(() => parseDrillSpec([]), /which drill\?.*region-loss/);
    refuses(() => parseDrillSpec(['earthquake']), /unknown drill 'earthquake'; the kinds are region-loss, partition, leader-kill/);
  });

  it('refuses region-loss and partition of no region or a region twice', () => {
    refuses(() => parseDrillSpec(['region-loss']), /region-loss needs the region\(s\) to lose/);
    refuses(() => parseDrillSpec(['partition']), /partition needs the region\(s\) to cut off/);
    refuses(() => parseDrillSpec(['partition', 'c1', 'c1']), /given twice: c1/);
  });

  it('refuses N and SECONDS that are not positive whole numbers, and arguments a kind does not take', () => {
    for (const n of ['0', '-1', '1.5', 'two', ''])
      refuses(() => parseDrillSpec(['server-kill', n]), /server-kill N must be a whole number >= 1/);
    refuses(() => parseDrillSpec(['server-kill']), /server-kill needs how many servers/);
    for (const s of ['0', '-3', '2.5', 'x'])
      refuses(() => parseDrillSpec(['mysql-outage', s]), /mysql-outage SECONDS must be a whole number from 1/);
    refuses(() => parseDrillSpec(['mysql-outage']), /mysql-outage needs how many seconds/);
    refuses(() => parseDrillSpec(['slow-wan', '0']), /slow-wan MS must be a whole number from 1/);
    refuses(() => parseDrillSpec(['leader-kill', 'c1']), /leader-kill takes no more arguments; got 'c1'/);
    refuses(() => parseDrillSpec(['revoke', 'alice']), /revoke takes no more arguments; got 'alice'/);
    refuses(() => parseDrillSpec(['server-kill', '1', '2']), /server-kill takes no more arguments/);
  });

  it('refuses flags out of range', () => {
    refuses(() => flags('--seconds', '2'), /--seconds must be a whole number from 3/);
    refuses(() => flags('--seconds', 'ten'), /--seconds/);
    refuses(() => flags('--seed', '-1'), /--seed/);
    refuses(() => flags('--concurrency', '0'), /--concurrency/);
  });
});

describe('a drill against the sandbox', () => {
  const sandbox = { names: ['c1', 'c2', 'c3'], servers: ['c1-nats-0', 'c2-nats-0', 'c3-nats-0', 'c1-js-nats-0'] };

  it('accepts what the sandbox has', () => {
    checkDrill({ kind: 'region-loss', regions: ['c3'] }, sandbox);
    checkDrill({ kind: 'partition', regions: ['c1', 'c2'] }, sandbox);
    checkDrill({ kind: 'server-kill', count: 4 }, sandbox);
    checkDrill({ kind: 'leader-kill' }, sandbox);
  });

  it('refuses an unknown region, every region, and more servers than exist', () => {
    refuses(() => checkDrill({ kind: 'region-loss', regions: ['c9'] }, sandbox), /not a cluster of this sandbox: c9 \(it has c1, c2, c3\)/);
    refuses(() => checkDrill({ kind: 'region-loss', regions: ['c1', 'c2', 'c3'] }, sandbox), /region-loss of every region/);
    refuses(() => checkDrill({ kind: 'partition', regions: ['c3', 'c1', 'c2'] }, sandbox), /partition of every region/);
    refuses(() => checkDrill({ kind: 'server-kill', count: 5 }, sandbox), /server-kill 5: this sandbox has only 4 servers/);
  });
});

describe('drill helpers', () => {
  it('picks the same servers for the same seed, each at most once', () => {
    const servers = Array.from({ length: 12 }, (_, i) => `s${i}`);
    assert.deepEqual(pickServers(servers, 3, 7), pickServers([...servers].reverse(), 3, 7));
    assert.equal(new Set(pickServers(servers, 12, 1)).size, 12);
    assert.equal(pickServers(servers, 1, 1).length, 1);
    const picks = new Set(Array.from({ length: 20 }, (_, seed) => pickServers(servers, 1, seed)[0]));
    assert.ok(picks.size > 3, 'different seeds pick different servers');
  });

  it('makes one round trip per pair of regions, keyed as the WAN layer keys them', () => {
    assert.deepEqual(everyPair(['c2', 'c1', 'c3'], 200), { 'c1~c2': 200, 'c2~c3': 200, 'c1~c3': 200 });
    assert.deepEqual(everyPair(['c1'], 200), {});
  });

  it('puts the fault a quarter into the load; mysql-outage holds it for its SECONDS', () => {
    const t = timeline({ kind: 'leader-kill' }, 20);
    assert.deepEqual(t, { faultAtMs: 5000, holdMs: 7000, loadMs: 20000, tailMs: 5000 });
    assert.equal(timeline({ kind: 'mysql-outage', seconds: 9 }, 4).holdMs, 9000);
    assert.equal(timeline({ kind: 'server-kill', count: 1 }, 3).holdMs, 1050);
  });

  it('names the drill', () => {
    assert.equal(describeDrill({ kind: 'region-loss', regions: ['c2', 'c3'] }), 'region-loss c2 c3');
    assert.equal(describeDrill({ kind: 'slow-wan', rttMs: 150 }), 'slow-wan 150');
  });
});
