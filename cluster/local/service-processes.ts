// Which service processes the local sandbox runs (the math services and the recorder in every
// region) and how each is started: its region's servers, its own user, nothing it does not need.
// Pure, but for reading the environment it passes on (PATH, HOME).
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core/settings.js';
import type { Identity } from '../../nats/accounts.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import { SERVICE_NAMES } from '../../services/math/operations.js';
import { ourPid } from './processes.js';
import type { DesiredProcess } from './reconciler.js';
import { type LocalState, localPaths } from './state.js';
import { localClientEnv } from './supercluster.js';

export type ServiceRole = (typeof SERVICE_NAMES)[number] | 'recorder';

export interface ServicePlan {
  /** Instances of each math service per region. */
  instances: number;
  /** Run a recorder in each region (only when a MySQL server is known). */
  recorder: boolean;
}

export interface ServiceProcess {
  /** Process name, also its INSTANCE: c1-adder-0. */
  name: string;
  role: ServiceRole;
  region: string;
}

export function serviceProcesses(topo: Topology, plan: ServicePlan): ServiceProcess[] {
  const out: ServiceProcess[] = [];
  for (const region of topo.names) {
    for (const role of SERVICE_NAMES) {
      for (let i = 0; i < plan.instances; i++) out.push({ name: `${region}-${role}-${i}`, role: role as ServiceRole, region });
    }
    if (plan.recorder) out.push({ name: `${region}-recorder-0`, role: 'recorder', region });
  }
  return out;
}

function identityOf(role: ServiceRole): Identity {
  return role === 'recorder' ? 'recorder' : 'math';
}

export interface ServiceContext {
  sandboxDir: string;
  topo: Topology;
  state: LocalState;
  credentials: Credentials;
  mysqlUrl?: string;
}

/** The environment of one process: its region's servers, its user, and nothing of ours it does not need. */
function serviceEnv(c: ServiceContext, p: ServiceProcess): Record<string, string> {
  const client = localClientEnv(c.topo, c.state, c.credentials, identityOf(p.role), p.region);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    // Whatever the connection needs (password, or the identity's certificate directory).
    ...Object.fromEntries(Object.entries(client).filter((e): e is [string, string] => typeof e[1] === 'string')),
    REGION: p.region,
    INSTANCE: p.name,
    ...(p.role === 'recorder' && c.mysqlUrl ? { MYSQL_URL: c.mysqlUrl } : {}),
  };
}

/** The process folder is in its command line (--state-dir): that is what proves a pid is ours. */
export function serviceDir(sandboxDir: string, name: string): string {
  return join(localPaths(sandboxDir).services, name);
}

export function desiredServices(c: ServiceContext, processes: readonly ServiceProcess[]): DesiredProcess[] {
  return processes.map((p) => {
    const dir = serviceDir(c.sandboxDir, p.name);
    return {
      name: p.name,
      command: process.execPath,
      args: ['--import', 'tsx', join(PROJECT_ROOT, 'services', 'main.ts'), p.role, '--state-dir', dir],
      env: serviceEnv(c, p),
      cwd: PROJECT_ROOT,
      marker: dir,
    };
  });
}

/** Where a service process keeps its pid and log, and its pid while it runs (tests, benches). */
export function serviceFiles(sandboxDir: string, name: string) {
  const dir = serviceDir(sandboxDir, name);
  return { dir, pid: join(dir, 'pid'), log: join(dir, 'service.log') };
}

export function servicePid(sandboxDir: string, name: string): number | undefined {
  const f = serviceFiles(sandboxDir, name);
  return ourPid(f.pid, f.dir);
}
