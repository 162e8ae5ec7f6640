// Stage 08 for the local provider: the math services and the recorder as background processes in
// every region, reconciled like the servers (start what is missing or dead, restart what changed,
// stop what the plan no longer has), then checked through the services framework discovery.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import type { Identity } from '../../nats/accounts.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { discoverServices, type FoundService } from '../../nats/live/discovery.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import { SERVICE_NAMES } from '../../services/math/operations.js';
import { logTail, ourPid, removePidFile, startDetached, stopProcess } from './processes.js';
import type { LocalState } from './state.js';
import { localClientEnv } from './supercluster.js';

export type ServiceRole = (typeof SERVICE_NAMES)[number] | 'recorder';

export interface PlannedProcess {
  /** Process name, also its INSTANCE: c1-adder-0. */
  name: string;
  role: ServiceRole;
  region: string;
}

export interface ServicesOptions {
  /** Instances of each math service per region. */
  instances: number;
  /** Run a recorder in each region (only when a MySQL server is known). */
  recorder: boolean;
}

/** Which processes the local sandbox runs. Pure. */
export function plannedProcesses(topo: Topology, opts: ServicesOptions): PlannedProcess[] {
  const out: PlannedProcess[] = [];
  for (const region of topo.names) {
    for (const role of SERVICE_NAMES) {
      for (let i = 0; i < opts.instances; i++) out.push({ name: `${region}-${role}-${i}`, role: role as ServiceRole, region });
    }
    if (opts.recorder) out.push({ name: `${region}-recorder-0`, role: 'recorder', region });
  }
  return out;
}

export function servicePaths(sandboxDir: string) {
  const root = join(sandboxDir, 'local', 'services');
  return {
    root,
    dir: (name: string) => join(root, name),
    pid: (name: string) => join(root, name, 'pid'),
    log: (name: string) => join(root, name, 'service.log'),
    fingerprint: (name: string) => join(root, name, 'fingerprint'),
  };
}

export function servicePid(sandboxDir: string, name: string): number | undefined {
  const p = servicePaths(sandboxDir);
  return ourPid(p.pid(name), p.dir(name));
}

export function processesOnDisk(sandboxDir: string): string[] {
  const root = servicePaths(sandboxDir).root;
  return existsSync(root) ? readdirSync(root).sort() : [];
}

function identityOf(role: ServiceRole): Identity {
  return role === 'recorder' ? 'recorder' : 'math';
}

/** The environment of one process: its region's servers, its user, and nothing of ours it does not need. */
export function processEnv(
  topo: Topology,
  plan: LocalState,
  credentials: Credentials,
  p: PlannedProcess,
  mysqlUrl?: string,
): Record<string, string> {
  const client = localClientEnv(topo, plan, credentials, identityOf(p.role), p.region);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    // Whatever the connection needs (password, or the identity's certificate directory).
    ...Object.fromEntries(Object.entries(client).filter((e): e is [string, string] => typeof e[1] === 'string')),
    REGION: p.region,
    INSTANCE: p.name,
    ...(p.role === 'recorder' && mysqlUrl ? { MYSQL_URL: mysqlUrl } : {}),
  };
}

export function processArgs(sandboxDir: string, p: PlannedProcess): string[] {
  return ['--import', 'tsx', join(PROJECT_ROOT, 'services', 'main.ts'), p.role, '--state-dir', servicePaths(sandboxDir).dir(p.name)];
}

function fingerprint(args: string[], env: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify({ args, env })).digest('hex');
}

export type ProcessAction = 'unchanged' | 'start' | 'restart' | 'heal';

export interface ServicesReconcile {
  actions: Map<string, ProcessAction>;
  obsolete: string[];
}

export interface ApplyServicesInput {
  sandboxDir: string;
  topo: Topology;
  plan: LocalState;
  credentials: Credentials;
  processes: PlannedProcess[];
  mysqlUrl?: string;
  say: (name: string, what: string) => void;
}

export function planServiceActions(input: ApplyServicesInput): ServicesReconcile {
  const p = servicePaths(input.sandboxDir);
  const actions = new Map<string, ProcessAction>();
  for (const proc of input.processes) {
    const want = fingerprint(
      processArgs(input.sandboxDir, proc),
      processEnv(input.topo, input.plan, input.credentials, proc, input.mysqlUrl),
    );
    const have = existsSync(p.fingerprint(proc.name)) ? readFileSync(p.fingerprint(proc.name), 'utf8').trim() : '';
    if (servicePid(input.sandboxDir, proc.name)) actions.set(proc.name, have === want ? 'unchanged' : 'restart');
    else actions.set(proc.name, existsSync(p.pid(proc.name)) ? 'heal' : 'start');
  }
  const wanted = new Set(input.processes.map((x) => x.name));
  return { actions, obsolete: processesOnDisk(input.sandboxDir).filter((n) => !wanted.has(n)) };
}

export async function stopService(sandboxDir: string, name: string): Promise<boolean> {
  const pid = servicePid(sandboxDir, name);
  removePidFile(servicePaths(sandboxDir).pid(name));
  if (!pid) return false;
  await stopProcess(pid, 10_000);
  return true;
}

/** Stop the processes of some regions (partial delete). */
export async function stopRegionServices(sandboxDir: string, regions: string[]): Promise<number> {
  const names = processesOnDisk(sandboxDir).filter((n) => regions.some((r) => n.startsWith(`${r}-`)));
  const stopped = await Promise.all(
    names.map(async (n) => {
      const s = await stopService(sandboxDir, n);
      rmSync(servicePaths(sandboxDir).dir(n), { recursive: true, force: true });
      return s;
    }),
  );
  return stopped.filter(Boolean).length;
}

export async function applyServices(input: ApplyServicesInput, reconcile: ServicesReconcile): Promise<void> {
  const p = servicePaths(input.sandboxDir);
  await Promise.all(
    reconcile.obsolete.map(async (name) => {
      if (await stopService(input.sandboxDir, name)) input.say(name, 'stopped (no longer planned)');
      rmSync(p.dir(name), { recursive: true, force: true });
    }),
  );
  const restart = [...reconcile.actions].filter(([, a]) => a === 'restart').map(([n]) => n);
  await Promise.all(restart.map((n) => stopService(input.sandboxDir, n)));
  for (const proc of input.processes) {
    const action = reconcile.actions.get(proc.name);
    if (!action || action === 'unchanged') continue;
    mkdirSync(p.dir(proc.name), { recursive: true });
    const args = processArgs(input.sandboxDir, proc);
    const env = processEnv(input.topo, input.plan, input.credentials, proc, input.mysqlUrl);
    const pid = startDetached({
      command: process.execPath,
      args,
      env,
      cwd: PROJECT_ROOT,
      pidFile: p.pid(proc.name),
      logFile: p.log(proc.name),
    });
    writeFileSync(p.fingerprint(proc.name), `${fingerprint(args, env)}\n`);
    input.say(proc.name, `${action} (pid ${pid})`);
  }
}

/** Discover the services through one region's servers as the admin user. */
export async function discoverLocal(topo: Topology, plan: LocalState, credentials: Credentials, maxWaitMs = 1500): Promise<FoundService[]> {
  const env = localClientEnv(topo, plan, credentials, 'admin', topo.names[0]!);
  const nc = await connect({ ...connectionFromEnv({ ...env }, 'sandbox-discovery'), timeout: 5000 });
  try {
    return await discoverServices(nc, maxWaitMs);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Wait until every planned process answers discovery; name the ones that do not, with their log. */
export async function waitDiscovered(input: ApplyServicesInput, timeoutMs: number): Promise<FoundService[]> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = input.processes.map((x) => x.name);
  let found: FoundService[] = [];
  while (Date.now() < deadline) {
    found = await discoverLocal(input.topo, input.plan, input.credentials).catch(() => []);
    const seen = new Set(found.map((f) => f.instance));
    missing = input.processes.map((x) => x.name).filter((n) => !seen.has(n));
    if (!missing.length) return found;
    await sleep(500);
  }
  const p = servicePaths(input.sandboxDir);
  const details = missing
    .slice(0, 3)
    .map((n) => `  ${n} (log ${p.log(n)}):\n${logTail(p.log(n), 6).replace(/^/gm, '    ')}`)
    .join('\n');
  throw new SandboxError(
    `${missing.length} service process(es) did not show up in the services discovery within ${Math.round(timeoutMs / 1000)}s:\n${details}`,
  );
}
