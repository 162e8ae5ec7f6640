// The one reconciler of local processes: start what is missing, leave what runs unchanged,
// restart what changed, heal what died, stop and remove what is no longer wanted. Real (tiny)
// processes in a temporary folder.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../../../cluster/local/processes.js';
import {
  applyProcesses,
  type DesiredProcess,
  type ProcessGroup,
  planProcesses,
  processesOnDisk,
  processPaths,
  runningPid,
  stopOne,
  summary,
} from '../../../../cluster/local/reconciler.js';

const root = mkdtempSync(join(tmpdir(), 'reconciler-test-'));
const group: ProcessGroup = { root, kind: 'test', logName: 'out.log', settleMs: 100, stopGraceMs: 2000 };
/** A process that idles until stopped; its folder is in its command line (the marker). */
const idle = (name: string, env: Record<string, string> = {}): DesiredProcess => ({
  name,
  command: process.execPath,
  args: ['-e', 'setInterval(() => {}, 1000)', join(root, name)],
  env: { PATH: process.env.PATH ?? '', ...env },
  files: { 'config.txt': `${name}\n` },
  marker: join(root, name),
});
const noop = { say: () => undefined };

describe('process reconciler', () => {
  after(async () => {
    for (const n of processesOnDisk(group)) await stopOne(group, n, join(root, n));
    rmSync(root, { recursive: true, force: true });
  });

  it('starts what is missing and writes its files first', async () => {
    const desired = [idle('a'), idle('b')];
    const plan = planProcesses(group, desired);
    assert.equal(summary(plan), '2 start');
    await applyProcesses(group, desired, plan, noop);
    for (const p of desired) assert.ok(runningPid(group, p.name, p.marker));
    assert.equal(readFileSync(join(root, 'a', 'config.txt'), 'utf8'), 'a\n');
  });

  it('leaves what runs unchanged, and restarts only what changed', async () => {
    const before = runningPid(group, 'a', join(root, 'a'))!;
    const desired = [idle('a'), idle('b', { CHANGED: '1' })];
    const plan = planProcesses(group, desired);
    assert.deepEqual(Object.fromEntries(plan.actions), { a: 'unchanged', b: 'restart' });
    await applyProcesses(group, desired, plan, noop);
    assert.equal(runningPid(group, 'a', join(root, 'a')), before);
  });

  it('heals a process that died, and stops and removes one no longer wanted', async () => {
    const a = runningPid(group, 'a', join(root, 'a'))!;
    process.kill(a, 'SIGKILL');
    while (isAlive(a)) await new Promise((r) => setTimeout(r, 20));
    const desired = [idle('a')];
    const plan = planProcesses(group, desired);
    assert.deepEqual(Object.fromEntries(plan.actions), { a: 'heal' });
    assert.deepEqual(plan.obsolete, ['b']);
    const b = runningPid(group, 'b', join(root, 'b'))!;
    await applyProcesses(group, desired, plan, noop);
    assert.ok(runningPid(group, 'a', join(root, 'a')));
    assert.equal(isAlive(b), false);
    assert.deepEqual(processesOnDisk(group), ['a']);
  });

  it('names a process that exits right after starting, with its log', async () => {
    // A shell exits within the 100 ms settle time even on a busy machine; a Node process may not start by then.
    const broken: DesiredProcess = { ...idle('c'), command: '/bin/sh', args: ['-c', 'echo bad config >&2; exit 3', join(root, 'c')] };
    await assert.rejects(
      applyProcesses(group, [broken], planProcesses(group, [broken]), noop),
      (e: Error) => /1 test process\(es\) exited right after starting/.test(e.message) && /bad config/.test(e.message),
    );
    assert.equal(processPaths(group, 'c').log.endsWith(join('c', 'out.log')), true);
  });
});
