// Which service processes the local sandbox runs (one host per region with the math services and
// the recorder) and how each is started: its region's servers, its users, nothing it does not need.
// Pure, but for reading the environment it passes on (PATH, HOME).
import { PROJECT_ROOT } from '../../core/settings.js';
import { prefixedClientEnv } from '../../nats/live/client.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import { hostName, roleInstance, rolePrefix } from '../../services/host.js';
import { SERVICE_NAMES } from '../../services/math/operations.js';

import { type DesiredProcess, processPaths, runningPid } from './reconciler.js';
import { type LocalState, serviceGroup } from './state.js';
import { localClientEnv } from './supercluster.js';

export type ServiceRole = (typeof SERVICE_NAMES)[number] | 'recorder';

export interface ServicePlan {
  /** Instances of each math service per region. */
  instances: number;
  /** Run a recorder in each region (only when a MySQL server is known). */
  recorder: boolean;
}

/**
 * One Node process per region and instance index hosts that region's math services (and the
 * region's recorder in the first one): one runtime instead of five. Each role keeps the instance
 * name a process of its own had (c1-adder-0), so the services discovery shows every service per
 * region, and names the process it runs in (c1-services-0).
 */
export interface ServiceProcess {
  /** Process name: c1-services-0. */
  name: string;
  region: string;
  index: number;
  roles: ServiceRole[];
  /** The instance name of each role, in the order of roles. */
  instances: string[];
}

export function serviceProcesses(topo: Topology, plan: ServicePlan): ServiceProcess[] {
  const out: ServiceProcess[] = [];
  for (const region of topo.names) {
    for (let i = 0; i < plan.instances; i++) {
      const roles: ServiceRole[] = [...(SERVICE_NAMES as ServiceRole[]), ...(plan.recorder && i === 0 ? (['recorder'] as const) : [])];
      out.push({ name: hostName(region, i), region, index: i, roles, instances: roles.map((r) => roleInstance(region, r, i)) });
    }
  }
  // An edge site answers its own requests with math services of its own (the recorder stays in
  // the regions, with MySQL): while it is cut off, and before the hub's are asked.
  for (const edge of topo.edges) {
    const roles = [...(SERVICE_NAMES as ServiceRole[])];
    out.push({
      name: hostName(edge.name, 0),
      region: edge.name,
      index: 0,
      roles,
      instances: roles.map((r) => roleInstance(edge.name, r, 0)),
    });
  }
  return out;
}

export interface ServiceContext {
  sandboxDir: string;
  /** The services build's entry (services/build.ts): a new build is a new command line, so its hosts restart. */
  bundle: string;
  topo: Topology;
  state: LocalState;
  credentials: Credentials;
  mysqlUrl?: string;
}

const defined = (env: object): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));

/**
 * The environment of one process: its region's servers, and for each identity it hosts that
 * identity's connection (math as NATS_*, the recorder as RECORDER_NATS_*), nothing else of ours.
 */
export function serviceEnv(c: ServiceContext, p: ServiceProcess): Record<string, string> {
  const recorder = p.roles.includes('recorder');
  const math = localClientEnv(c.topo, c.state, c.credentials, 'math', p.region);
  const prefix = rolePrefix('recorder')!;
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    // Whatever the connection needs (password, or the identity's certificate directory).
    ...defined(math),
    ...(recorder ? prefixedClientEnv(prefix, localClientEnv(c.topo, c.state, c.credentials, 'recorder', p.region)) : {}),
    REGION: p.region,
    INSTANCE: p.name,
    SERVICE_INDEX: String(p.index),
    ...(recorder && c.mysqlUrl ? { MYSQL_URL: c.mysqlUrl } : {}),
  };
}

/** The process folder is in its command line (--state-dir): that is what proves a pid is ours. */
export function serviceDir(sandboxDir: string, name: string): string {
  return processPaths(serviceGroup(sandboxDir), name).dir;
}

export function desiredServices(c: ServiceContext, processes: readonly ServiceProcess[]): DesiredProcess[] {
  return processes.map((p) => {
    const dir = serviceDir(c.sandboxDir, p.name);
    return {
      name: p.name,
      command: process.execPath,
      // The build runs as plain JavaScript: no TypeScript compiler beside it. A small young
      // generation trims a few more MiB per process at no cost a sandbox notices.
      args: ['--max-semi-space-size=1', c.bundle, 'host', '--roles', p.roles.join(','), '--state-dir', dir],
      env: serviceEnv(c, p),
      cwd: PROJECT_ROOT,
      marker: dir,
    };
  });
}

/** Where a service process keeps its pid and log (tests, benches). */
export function serviceFiles(sandboxDir: string, name: string) {
  return processPaths(serviceGroup(sandboxDir), name);
}

/** Its pid while it runs (tests, benches). */
export function servicePid(sandboxDir: string, name: string): number | undefined {
  return runningPid(serviceGroup(sandboxDir), name, serviceDir(sandboxDir, name));
}
