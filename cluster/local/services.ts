// Stage 08 for the local provider (the math services and the recorder as processes in every
// region, reconciled like the servers, then found through the services discovery) and the
// services part of an observation.
import { join, relative } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { poll } from '../../core/poll.js';
import { PROJECT_ROOT, readServicesSettings, type ServicesSettings } from '../../core/settings.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { byRegion, discoverServices, type FoundService } from '../../nats/live/discovery.js';
import type { ObservationSection } from '../../nats/observation.js';
import { renderTable } from '../../nats/report.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import { checkServicesBuild, ensureServicesBuild, servicesBuildPaths } from '../../services/build.js';
import { parseMysqlUrl } from '../../services/recorder/mysql-url.js';
import type { Invocation } from '../provider.js';
import { findMysqlServer, type MysqlBinaries, mysqlPaths, mysqlProblem, startPrivateMysql } from './mysql.js';
import { logTail } from './processes.js';
import { applyProcesses, planProcesses, processesOnDisk, processPaths, summary } from './reconciler.js';
import { desiredServices, type ServiceContext, serviceProcesses } from './service-processes.js';
import { type LocalState, serviceGroup } from './state.js';
import { localClientEnv } from './supercluster.js';

/** The recorders' database: its URL, and `ready` once it answers (a private server may still be starting). */
interface RecorderDatabase {
  url: string;
  ready: Promise<void>;
}

/** MYSQL_URL, else a private server under the sandbox, else undefined (recorder skipped, said why). */
async function resolveMysql(inv: Invocation, s: ServicesSettings): Promise<RecorderDatabase | undefined> {
  if (s.mysqlUrl) {
    parseMysqlUrl(s.mysqlUrl);
    // Before any recorder is stopped: a wrong password or host fails here, and nothing changes.
    const why = inv.dryRun ? undefined : await mysqlProblem(s.mysqlUrl);
    if (why)
      throw new SandboxError(
        `MYSQL_URL: ${why}\nfix: correct MYSQL_URL; nothing was changed, the running recorders keep writing where they did`,
      );
    log.info('  recorder database: MYSQL_URL');
    return { url: s.mysqlUrl, ready: Promise.resolve() };
  }
  const binaries = findMysqlServer(inv.settings.env);
  if (!binaries) {
    log.info(
      '  recorder skipped: MYSQL_URL is not set and neither mariadbd nor mysqld is installed; enable it with `apt-get install mariadb-server` (or brew install mariadb) or set MYSQL_URL=mysql://user:password@host:3306/answers',
    );
    return undefined;
  }
  if (inv.dryRun) {
    log.info(`  would start a private ${binaries.flavor} server on 127.0.0.1:${s.mysqlPort} in ${mysqlPaths(inv.settings.sandboxDir).dir}`);
    return { url: 'mysql://dry-run', ready: Promise.resolve() };
  }
  const ahead = headStarts.get(inv.settings.sandboxDir);
  headStarts.delete(inv.settings.sandboxDir);
  return (ahead ?? startMysql(inv, s, binaries, false)).takeOver((l) => log.info(`  ${l}`));
}

/** A private server starting: what it said so far is kept until a stage takes it over and says it. */
interface StartingMysql {
  takeOver(say: (line: string) => void): RecorderDatabase;
}

function startMysql(inv: Invocation, s: ServicesSettings, binaries: MysqlBinaries, ahead: boolean): StartingMysql {
  const started = performance.now();
  let readyAfter = '';
  const said: string[] = [];
  let say: (line: string) => void = (line) => said.push(line);
  const m = startPrivateMysql({
    sandboxDir: inv.settings.sandboxDir,
    port: s.mysqlPort,
    binaries,
    runner: inv.runner,
    say: (l) => say(l),
    quiet: ahead,
  });
  const ready = m.ready.then(() => {
    readyAfter = seconds(started);
  });
  ready.catch(() => undefined);
  return {
    takeOver(to) {
      for (const l of said.splice(0)) to(l);
      say = to;
      const done = ready.then(() =>
        to(`private ${binaries.flavor} ready in ${readyAfter}${ahead ? ' (started by install ahead of this stage)' : ''}`),
      );
      done.catch(() => undefined);
      return { url: m.url, ready: done };
    },
  };
}

/** Private servers install started before stage 08, by sandbox directory. */
const headStarts = new Map<string, StartingMysql>();

/**
 * install, once its port plan and PKI are in place: start the private database. It needs nothing
 * of NATS, so its first start (a second or two of mariadb-install-db and boot) runs while the
 * supercluster forms, and stage 08 finds it ready; what it said is said when stage 08 takes it over.
 */
export function startMysqlAhead(inv: Invocation, portBase: number): void {
  const s = readServicesSettings(inv.settings.env, portBase);
  const binaries = s.mysqlUrl || inv.dryRun ? undefined : findMysqlServer(inv.settings.env);
  if (binaries) headStarts.set(inv.settings.sandboxDir, startMysql(inv, s, binaries, true));
}

/** The services build the hosts run: built here when the sources changed (said in one line), only checked in a dry run. */
async function servicesBuild(inv: Invocation): Promise<string> {
  if (inv.dryRun) {
    const check = await checkServicesBuild();
    if (check.current) return check.current.entry;
    log.info(`  would build the services (${check.reason})`);
    return join(servicesBuildPaths().dir, '<new build>', 'main.mjs');
  }
  const build = await ensureServicesBuild();
  if (build.built)
    log.info(`  services built in ${build.built.seconds.toFixed(1)}s (${build.built.reason}): ${relative(PROJECT_ROOT, build.entry)}`);
  return build.entry;
}

export async function servicesStage(inv: Invocation, topo: Topology, state: LocalState, credentials: Credentials): Promise<void> {
  const sandboxDir = inv.settings.sandboxDir;
  const s = readServicesSettings(inv.settings.env, state.portBase);
  // Built first: a build that fails changes nothing.
  const bundle = await servicesBuild(inv);
  const database = await resolveMysql(inv, s);
  const processes = serviceProcesses(topo, { instances: s.instances, recorder: database !== undefined });
  const context: ServiceContext = { sandboxDir, topo, state, credentials, bundle, ...(database ? { mysqlUrl: database.url } : {}) };
  const desired = desiredServices(context, processes);
  const group = serviceGroup(sandboxDir);
  const plan = planProcesses(group, desired);
  log.info(`  ${processes.length} service processes (${processes.reduce((n, p) => n + p.roles.length, 0)} services): ${summary(plan)}`);
  if (inv.dryRun) {
    for (const [name, a] of plan.actions) if (a !== 'unchanged') log.cluster(name, `would ${a}`);
    return;
  }
  // The hosts start while a private database starts: their recorders take no answers until it answers.
  await applyProcesses(group, desired, plan, { say: (name, what) => log.cluster(name, what) });
  await database?.ready;
  const discovering = performance.now();
  const found = await waitDiscovered(
    sandboxDir,
    topo,
    state,
    credentials,
    processes.flatMap((p) => p.instances.map((instance) => ({ instance, process: p.name }))),
    s.discoveryTimeoutMs,
  );
  log.info(`  ${servicesLine(found)} (discovered in ${seconds(discovering)})`);
}

/** Seconds since `t0` for a progress line: where the time of a stage goes (the supercluster bench reads these). */
function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}

/** Discover the services through one region's servers as the admin user. */
async function discoverLocal(topo: Topology, state: LocalState, credentials: Credentials, maxWaitMs = 1500): Promise<FoundService[]> {
  const env = localClientEnv(topo, state, credentials, 'admin', topo.names[0]!);
  const nc = await connect({ ...connectionFromEnv({ ...env }, 'sandbox-discovery'), timeout: 5000 });
  try {
    return await discoverServices(nc, maxWaitMs);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Wait until every planned service instance answers discovery; name the ones that do not, with their process's log. */
async function waitDiscovered(
  sandboxDir: string,
  topo: Topology,
  state: LocalState,
  credentials: Credentials,
  expected: { instance: string; process: string }[],
  timeoutMs: number,
): Promise<FoundService[]> {
  let missing = expected;
  const result = await poll({
    timeoutMs,
    intervalMs: 250,
    attempt: async () => {
      // On loopback every running service answers within milliseconds: a short wait per try, and
      // one that missed an answer is simply tried again, instead of 1.5s per try.
      const found = await discoverLocal(topo, state, credentials, 500);
      const seen = new Set(found.map((f) => f.instance));
      missing = expected.filter((e) => !seen.has(e.instance));
      return missing.length ? undefined : found;
    },
  });
  if (result.value) return result.value;
  const group = serviceGroup(sandboxDir);
  const hosts = [...new Set(missing.map((m) => m.process))];
  const details = hosts
    .slice(0, 3)
    .map((n) => {
      const log = processPaths(group, n).log;
      return `  ${n} (log ${log}):\n${logTail(log, 6).replace(/^/gm, '    ')}`;
    })
    .join('\n');
  throw new SandboxError(
    `${missing.length} service(s) did not show up in the services discovery within ${Math.round(timeoutMs / 1000)}s (${missing.map((m) => m.instance).join(', ')}):\n${details}`,
  );
}

function servicesLine(found: FoundService[]): string {
  const regions = byRegion(found);
  return `services found: ${
    Object.entries(regions)
      .map(([r, list]) => `${r} ${list.length}`)
      .join(', ') || 'none'
  }`;
}

function servicesTable(found: FoundService[]): string {
  const rows = found.map((f) => [
    f.region,
    f.name,
    f.instance,
    f.endpoints.map((e) => `${e.subject}${e.queue ? ` (queue ${e.queue})` : ''}`).join(', ') || '-',
    f.version,
  ]);
  return renderTable('Services (discovered)', ['Region', 'Service', 'Instance', 'Endpoints', 'Version'], rows);
}

/** What answers discovery, against the processes stage 08 made; for status and the page. */
export function servicesSection(
  sandboxDir: string,
  topo: Topology,
  found: FoundService[],
): { found: FoundService[]; section: ObservationSection } {
  const seen = new Set(found.map((f) => f.process));
  const group = serviceGroup(sandboxDir);
  const missing = processesOnDisk(group).filter((n) => !seen.has(n));
  const regions = byRegion(found);
  return {
    found,
    section: {
      name: 'services',
      problems: missing.map((n) => ({
        text: `service process ${n} does not answer the services discovery (log: ${processPaths(group, n).log}; run stage 08 to restart it)`,
        // processes are named <region or edge site>-<role>-<i>
        region: [...topo.names, ...topo.edges.map((e) => e.name)].find((r) => n.startsWith(`${r}-`)),
      })),
      json: { services: regions },
      text: [
        ...(found.length ? [`\n${servicesTable(found)}`] : []),
        `services per region: ${[...topo.names, ...topo.edges.map((e) => e.name)].map((n) => `${n} ${regions[n]?.length ?? 0}`).join(', ')}`,
      ],
    },
  };
}
