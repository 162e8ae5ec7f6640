// The one reconciler of the local provider's background processes (nats-server, the services,
// anything the sandbox runs): each desired process has a folder with its pid file, log and
// fingerprint; a re-run starts what is missing, heals what died, restarts what changed and stops
// what is no longer wanted. The decision is pure (planProcesses); applyProcesses carries it out.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from '../../core/errors.js';
import { commandOf, isAlive, logTail, ourPid, removePidFile, startDetached, stopProcess } from './processes.js';

export interface DesiredProcess {
  /** Unique under its root: the folder name, the log prefix. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Files written into the process folder before it starts (e.g. its config): name -> content. */
  files?: Record<string, string>;
  /** Part of its command line that proves a pid is still this process (pids are reused). */
  marker: string;
}

export type ProcessAction = 'unchanged' | 'start' | 'restart' | 'heal';

export interface ProcessPlan {
  actions: Map<string, ProcessAction>;
  /** Folders under the root that no desired process has. */
  obsolete: string[];
}

export interface ProcessGroup {
  /** Folder holding one folder per process. */
  root: string;
  /** What the log calls them: server, service. */
  kind: string;
  /** The log file name inside each process folder. */
  logName: string;
  /** Wait this long after starting, then fail naming any process that exited at once. */
  settleMs?: number;
  /** SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
}

export const processPaths = (group: ProcessGroup, name: string) => {
  const dir = join(group.root, name);
  return { dir, pid: join(dir, 'pid'), log: join(dir, group.logName), fingerprint: join(dir, 'fingerprint') };
};

/** What makes a restart: any change of command, arguments, environment or files. */
function fingerprint(p: DesiredProcess): string {
  return createHash('sha256')
    .update(JSON.stringify({ command: p.command, args: p.args, env: p.env ?? {}, files: p.files ?? {} }))
    .digest('hex');
}

/** Process folders under the group's root. */
export function processesOnDisk(group: ProcessGroup): string[] {
  return existsSync(group.root) ? readdirSync(group.root).sort() : [];
}

/** The pid of `name` when it still runs this sandbox's command (its marker). */
export function runningPid(group: ProcessGroup, name: string, marker: string): number | undefined {
  return ourPid(processPaths(group, name).pid, marker);
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');

export function planProcesses(group: ProcessGroup, desired: readonly DesiredProcess[]): ProcessPlan {
  const actions = new Map<string, ProcessAction>();
  for (const p of desired) {
    const paths = processPaths(group, p.name);
    if (runningPid(group, p.name, p.marker)) actions.set(p.name, read(paths.fingerprint) === fingerprint(p) ? 'unchanged' : 'restart');
    else actions.set(p.name, existsSync(paths.pid) ? 'heal' : 'start');
  }
  const wanted = new Set(desired.map((p) => p.name));
  return { actions, obsolete: processesOnDisk(group).filter((n) => !wanted.has(n)) };
}

/** Stop one process of the group (its pid file goes; its folder stays). */
export async function stopOne(group: ProcessGroup, name: string, marker: string): Promise<boolean> {
  const pid = runningPid(group, name, marker);
  removePidFile(processPaths(group, name).pid);
  if (!pid) return false;
  await stopProcess(pid, group.stopGraceMs ?? 5000);
  return true;
}

export interface ApplyEvents {
  say: (name: string, what: string) => void;
}

/**
 * Carry out a plan, all in parallel: stop and remove the obsolete, stop what restarts, write the
 * files, start everything not unchanged. `markerOf` finds an obsolete process's marker.
 */
export async function applyProcesses(
  group: ProcessGroup,
  desired: readonly DesiredProcess[],
  plan: ProcessPlan,
  events: ApplyEvents,
  markerOf: (name: string) => string = (name) => processPaths(group, name).dir,
  /** Wait the group's settle time and fail for a process that died (false: the caller checks with exitedEarly). */
  settle = true,
): Promise<Started[]> {
  await Promise.all(
    plan.obsolete.map(async (name) => {
      if (await stopOne(group, name, markerOf(name))) events.say(name, `stopped (no longer planned)`);
      rmSync(processPaths(group, name).dir, { recursive: true, force: true });
    }),
  );
  const changed = desired.filter((p) => plan.actions.get(p.name) !== 'unchanged');
  await Promise.all(changed.filter((p) => plan.actions.get(p.name) === 'restart').map((p) => stopOne(group, p.name, p.marker)));
  const started = changed.map((p) => {
    const paths = processPaths(group, p.name);
    mkdirSync(paths.dir, { recursive: true });
    for (const [file, content] of Object.entries(p.files ?? {})) writeFileSync(join(paths.dir, file), content, { mode: 0o600 });
    const pid = startDetached({
      command: p.command,
      args: p.args,
      pidFile: paths.pid,
      logFile: paths.log,
      ...(p.env ? { env: p.env } : {}),
      ...(p.cwd ? { cwd: p.cwd } : {}),
    });
    writeFileSync(paths.fingerprint, `${fingerprint(p)}\n`);
    return { name: p.name, pid };
  });
  if (settle && group.settleMs && started.length) {
    // A bad config or a port taken in the meantime ends a process at once: catch that here.
    await sleep(group.settleMs);
    const dead = exitedEarly(group, started);
    if (dead) throw dead;
  }
  for (const s of started) events.say(s.name, `${plan.actions.get(s.name)} (pid ${s.pid})`);
  return started;
}

export interface Started {
  name: string;
  pid: number;
}

/** The error naming the processes of `started` that are gone, with their logs' last lines; undefined while all run. */
export function exitedEarly(group: ProcessGroup, started: readonly Started[]): SandboxError | undefined {
  const dead = started.filter((s) => !isAlive(s.pid) || !commandOf(s.pid));
  if (!dead.length) return undefined;
  const details = dead.slice(0, 3).map((s) => {
    const log = processPaths(group, s.name).log;
    return `  ${s.name} (log ${log}):\n${logTail(log, 5).replace(/^/gm, '    ')}`;
  });
  return new SandboxError(`${dead.length} ${group.kind} process(es) exited right after starting:\n${details.join('\n')}`);
}

/** A count per action, for one summary line ("3 start, 33 unchanged, 2 to stop"). */
export function summary(plan: ProcessPlan): string {
  const counts = new Map<string, number>();
  for (const a of plan.actions.values()) counts.set(a, (counts.get(a) ?? 0) + 1);
  const parts = [...counts].map(([a, n]) => `${n} ${a}`);
  if (plan.obsolete.length) parts.push(`${plan.obsolete.length} to stop`);
  return parts.join(', ') || 'nothing';
}
