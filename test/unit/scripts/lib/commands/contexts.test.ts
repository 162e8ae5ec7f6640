// contexts' own flags: --identity is read and refused as bad input (exit 2) before anything runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCode, UsageError } from '../../../../../core/errors.js';
import { command } from '../../../../../scripts/lib/commands/contexts.js';
import { parseCommandLine } from '../../../../../scripts/lib/run.js';

const options = (...argv: string[]) => parseCommandLine(command, ['c1', ...argv]).options as Record<string, unknown>;

describe('contexts options', () => {
  it('defaults to sys and admin (no --identity), and takes a list or all', () => {
    assert.deepEqual(options(), { write: false, server: undefined, identity: undefined });
    assert.deepEqual(options('--identity', 'recorder,requester', '--write').identity, ['requester', 'recorder']);
    assert.deepEqual(options('--identity', 'all').identity, ['sys', 'admin', 'math', 'requester', 'recorder']);
    assert.equal(options('--server', 'nats://lb:4222').server, 'nats://lb:4222');
  });

  it('refuses an unknown identity, naming the valid ones, as a usage error', () => {
    for (const bad of ['bob', 'sys,bob', 'sys,', '']) {
      assert.throws(
        () => options('--identity', bad),
        (e) =>
          e instanceof UsageError &&
          exitCode(e) === 2 &&
          /is not an identity; valid: sys, admin, math, requester, recorder \(comma-separated\), or all/.test(e.message),
        bad,
      );
    }
    assert.throws(() => options('--identity', 'sys,bob'), /--identity: 'bob' is not/);
  });
});
