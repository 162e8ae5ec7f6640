// One mutating command per sandbox at a time: a lock file holding the pid and the command, made
// with O_EXCL so two commands cannot both take it; a lock whose process is gone is stale and taken
// over. Read-only commands (status, contexts, render, the page) take no lock.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError } from './errors.js';

const LOCK_FILE = 'lock';

interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined; // unreadable or half-written: stale
  }
}

/**
 * Take the sandbox's lock for `command`; returns the release. Fails naming who holds it. A sandbox
 * folder the lock made is removed again on release when the command left nothing in it (a refused
 * first install leaves no empty sandbox behind).
 */
export function lockSandbox(sandboxDir: string, command: string): () => void {
  const made = !existsSync(sandboxDir);
  mkdirSync(sandboxDir, { recursive: true });
  const file = join(sandboxDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return () => {
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
        // delete may have removed the folder itself.
        if (made && existsSync(sandboxDir) && readdirSync(sandboxDir).length === 0) rmdirSync(sandboxDir);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(file);
    if (held && held.pid !== process.pid && isAlive(held.pid)) {
      throw new SandboxError(
        `another command is changing this sandbox: '${held.command}' (pid ${held.pid}, since ${held.since}); one at a time\nfix: wait for it to finish, or stop it (kill ${held.pid})`,
      );
    }
    rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new SandboxError(`could not take the lock ${file}; remove it if no command of this sandbox runs`);
}
