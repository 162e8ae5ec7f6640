// One command that changes a sandbox at a time, and no trace of a command that changed nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockSandbox } from '../../../core/lock.js';

describe('the sandbox lock', () => {
  const top = mkdtempSync(join(tmpdir(), 'lock-'));
  after(() => rmSync(top, { recursive: true, force: true }));

  it('refuses a second holder while the first runs, naming its command and pid, and is free again once released', () => {
    const dir = join(top, 'held');
    const release = lockSandbox(dir, 'install c1');
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.ppid, command: 'install c1 c2', since: 'then' }));
    assert.throws(() => lockSandbox(dir, 'delete'), /another command is changing this sandbox: 'install c1 c2' \(pid \d+/);
    rmSync(join(dir, 'lock'));
    release();
    lockSandbox(dir, 'delete')();
  });

  it('takes over a lock whose process is gone', () => {
    const dir = join(top, 'stale');
    mkdirSync(dir);
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 1, command: 'install', since: 'then' }));
    const release = lockSandbox(dir, 'install');
    release();
    assert.equal(existsSync(join(dir, 'lock')), false);
  });

  it('removes a sandbox folder it made when the command left nothing in it, keeps one with content or made before, and minds one the command removed', () => {
    const refused = join(top, 'refused');
    lockSandbox(refused, 'install c1')();
    assert.equal(existsSync(refused), false);

    const used = join(top, 'used');
    const release = lockSandbox(used, 'install c1');
    writeFileSync(join(used, 'plan.json'), '{}');
    release();
    assert.equal(existsSync(join(used, 'plan.json')), true);

    const deleted = join(top, 'deleted');
    const releaseDeleted = lockSandbox(deleted, 'delete');
    rmSync(deleted, { recursive: true });
    releaseDeleted();

    const before = join(top, 'before');
    mkdirSync(before);
    lockSandbox(before, 'install c1')();
    assert.equal(existsSync(before), true);
  });
});
