// Stage 08 for the local provider, and the services part of `status`.

import { log } from '../../core/log.js';
import { readServicesSettings, type ServicesSettings } from '../../core/settings.js';
import { byRegion, type FoundService } from '../../nats/live/discovery.js';
import { renderTable } from '../../nats/report.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { Invocation } from '../provider.js';
import { ensurePrivateMysql, findMysqlServer, mysqlPaths } from './mysql.js';
import {
  type ApplyServicesInput,
  applyServices,
  discoverLocal,
  plannedProcesses,
  planServiceActions,
  processesOnDisk,
  waitDiscovered,
} from './service-processes.js';
import type { LocalState } from './state.js';

/** MYSQL_URL, else a private server under the sandbox, else undefined (recorder skipped, said why). */
async function resolveMysql(ctx: Invocation, s: ServicesSettings): Promise<string | undefined> {
  if (s.mysqlUrl) {
    log.info('  recorder database: MYSQL_URL');
    return s.mysqlUrl;
  }
  const binaries = findMysqlServer(ctx.settings.env);
  if (!binaries) {
    log.info(
      '  recorder skipped: MYSQL_URL is not set and neither mariadbd nor mysqld is installed; enable it with `apt-get install mariadb-server` (or brew install mariadb) or set MYSQL_URL=mysql://user:password@host:3306/answers',
    );
    return undefined;
  }
  if (ctx.dryRun) {
    log.info(`  would start a private ${binaries.flavor} server on 127.0.0.1:${s.mysqlPort} in ${mysqlPaths(ctx.settings.sandboxDir).dir}`);
    return 'mysql://dry-run';
  }
  return ensurePrivateMysql({
    sandboxDir: ctx.settings.sandboxDir,
    port: s.mysqlPort,
    binaries,
    runner: ctx.runner,
    say: (l) => log.info(`  ${l}`),
  });
}

export async function servicesStage(ctx: Invocation, topo: Topology, plan: LocalState, credentials: Credentials): Promise<void> {
  const s = readServicesSettings(ctx.settings.env, plan.portBase);
  const mysqlUrl = await resolveMysql(ctx, s);
  const processes = plannedProcesses(topo, { instances: s.instances, recorder: mysqlUrl !== undefined });
  const input: ApplyServicesInput = {
    sandboxDir: ctx.settings.sandboxDir,
    topo,
    plan,
    credentials,
    processes,
    ...(mysqlUrl ? { mysqlUrl } : {}),
    say: (name, what) => log.cluster(name, what),
  };
  const reconcile = planServiceActions(input);
  const counts = new Map<string, number>();
  for (const a of reconcile.actions.values()) counts.set(a, (counts.get(a) ?? 0) + 1);
  log.info(
    `  ${processes.length} service processes: ${[...counts].map(([a, n]) => `${n} ${a}`).join(', ')}${reconcile.obsolete.length ? `, ${reconcile.obsolete.length} to stop` : ''}`,
  );
  if (ctx.dryRun) {
    for (const [name, a] of reconcile.actions) if (a !== 'unchanged') log.cluster(name, `would ${a}`);
    return;
  }
  await applyServices(input, reconcile);
  const found = await waitDiscovered(input, s.discoveryTimeoutMs);
  log.info(`  ${servicesLine(found)}`);
}

export function servicesLine(found: FoundService[]): string {
  const regions = byRegion(found);
  return `services found: ${
    Object.entries(regions)
      .map(([r, list]) => `${r} ${list.length}`)
      .join(', ') || 'none'
  }`;
}

export function servicesTable(found: FoundService[]): string {
  const rows = found.map((f) => [
    f.region,
    f.name,
    f.instance,
    f.endpoints.map((e) => `${e.subject}${e.queue ? ` (queue ${e.queue})` : ''}`).join(', ') || '-',
    f.version,
  ]);
  return renderTable('Services (discovered)', ['Region', 'Service', 'Instance', 'Endpoints', 'Version'], rows);
}

export interface ServicesStatus {
  found: FoundService[];
  /** Processes stage 08 started that do not answer discovery. */
  missing: string[];
}

/** What answers discovery, and which of the processes stage 08 made are missing. */
export async function servicesStatus(
  sandboxDir: string,
  topo: Topology,
  plan: LocalState,
  credentials: Credentials,
): Promise<ServicesStatus> {
  const found = await discoverLocal(topo, plan, credentials).catch(() => []);
  const seen = new Set(found.map((f) => f.instance));
  return { found, missing: processesOnDisk(sandboxDir).filter((n) => !seen.has(n)) };
}
