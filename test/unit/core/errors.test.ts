// One rule from an error to an exit code: 2 for what the user can correct before anything runs,
// 1 for what failed at run time; and what the user reads of each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClientConfigError,
  CommandError,
  errorText,
  exitCode,
  MissingToolError,
  SandboxError,
  StreamLeaderError,
  TopologyError,
  UsageError,
} from '../../../core/errors.js';

describe('errors', () => {
  it('exits 2 for usage errors, 1 for every runtime failure', () => {
    for (const e of [new UsageError('x'), new TopologyError('x'), new ClientConfigError('x')]) assert.equal(exitCode(e), 2, e.name);
    for (const e of [
      new CommandError('x'),
      new MissingToolError('x'),
      new SandboxError('x'),
      new StreamLeaderError('x'),
      new Error('bug'),
      'thrown string',
    ]) {
      assert.equal(exitCode(e), 1, String(e));
    }
  });

  it('shows our messages as they are, and a bug without its stack unless DEBUG is set', () => {
    assert.equal(errorText(new CommandError('cluster c1: it failed\nfix: do this')), 'cluster c1: it failed\nfix: do this');
    const bug = new TypeError('cannot read x of undefined');
    assert.doesNotMatch(errorText(bug, {}), /at /);
    assert.match(errorText(bug, {}), /cannot read x of undefined\n\(an unexpected error: run again with DEBUG=1/);
    assert.match(errorText(bug, { DEBUG: '1' }), /TypeError: cannot read x of undefined\n\s+at /);
  });

  it('names a path it cannot write (read-only SANDBOX_DIR, a file in the way, a full disk) with the fix, not as a bug', () => {
    const fsError = (code: string, path: string) => Object.assign(new Error(`${code}: operation failed, mkdir '${path}'`), { code, path });
    assert.equal(
      errorText(fsError('EROFS', '/ro/sandbox'), {}),
      "cannot write /ro/sandbox: EROFS: operation failed, mkdir '/ro/sandbox'\nfix: point SANDBOX_DIR at a directory you can write (it holds the sandbox's state), or make /ro/sandbox writable",
    );
    assert.match(errorText(fsError('ENOSPC', '/full/x'), {}), /fix: free some disk space there/);
    assert.match(
      errorText(Object.assign(new Error('gone'), { code: 'ENOENT', path: '/x' }), {}),
      /an unexpected error/,
      'a missing file is ours to handle',
    );
  });
});
