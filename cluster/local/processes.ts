// Background processes of the local provider: started detached so they outlive the script,
// recorded by pid, and only ever signalled after checking the pid still runs our command.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probe } from '../../core/command.js';
import { isAlive } from '../../core/lock.js';

export { isAlive };

/** Command line of a process, or undefined when it does not exist. */
export function commandOf(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie has an empty cmdline: it is gone for our purposes.
    return raw ? raw.split('\0').filter(Boolean).join(' ') : undefined;
  } catch {
    if (existsSync('/proc/self')) return undefined;
    return probe(['ps', '-o', 'args=', '-p', String(pid)])?.trim() || undefined;
  }
}

/** The pid recorded in `pidFile` when that process still runs a command containing `marker`. */
export function ourPid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmd = commandOf(pid);
  return cmd?.includes(marker) ? pid : undefined;
}

export interface StartOptions {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Start a detached background process whose output goes to `logFile`; returns its pid. */
export function startDetached(opts: StartOptions): number {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.command, opts.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
    if (!child.pid) throw new Error(`could not start ${opts.command}`);
    child.unref();
    writeFileSync(opts.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Stop a process: SIGTERM, then SIGKILL after `graceMs`. Resolves once it is gone. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!commandOf(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (commandOf(pid)) await sleep(20);
}

export function removePidFile(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

/** Pid files anywhere under `dir`: every process this sandbox started keeps one. */
export function pidFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    return statSync(p).isDirectory() ? pidFilesUnder(p) : entry === 'pid' ? [p] : [];
  });
}

export function logTail(logFile: string, lines = 8): string {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Every process whose command line names a path under `dir` (not this process or its parent). */
export function processesUnder(dir: string): { pid: number; command: string }[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return []; // no /proc (macOS): the pid files are all there is
  }
  const skip = new Set([process.pid, process.ppid]);
  return pids.flatMap((p) => {
    const pid = Number(p);
    if (skip.has(pid)) return [];
    const command = commandOf(pid);
    return command?.includes(prefix) ? [{ pid, command }] : [];
  });
}
