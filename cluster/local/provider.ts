// The local provider: the same NATS topology as real nats-server processes under the sandbox.
import { rmSync } from 'node:fs';
import { SandboxError, UsageError } from '../../core/errors.js';
import { formatDuration, log, step } from '../../core/log.js';
import { ensureLocalPki, pkiPaths } from '../../core/pki.js';
import { loadCredentials } from '../../core/secrets.js';
import { jetstreamSpec } from '../../nats/jetstream/spec.js';
import { byRegion } from '../../nats/live/discovery.js';
import { verdictLine } from '../../nats/report.js';
import type { ProviderImpl, Invocation, StatusOptions } from '../provider.js';
import { reportStatus, type StatusSection } from '../status-report.js';
import { jetstreamStage } from './jetstream.js';
import { findNatsServer } from './nats-server-bin.js';
import { allPorts } from './ports.js';
import { ourPid, pidFilesUnder, stopProcess } from './processes.js';
import { regionLocal, regionServers, stopRegions } from './region.js';
import { processesOnDisk } from './service-processes.js';
import { servicesStage, servicesStatus, servicesTable } from './services.js';
import { localPaths, readLocalState, writeLocalState } from './state.js';
import {
  applyServers,
  checkPorts,
  observeLocal,
  planActions,
  planFor,
  renderLocalConfigs,
  runningPid,
  waitConverged,
} from './supercluster.js';

async function clustersStage(ctx: Invocation): Promise<void> {
  const bin = findNatsServer(ctx.settings.env, ctx.settings.natsServerBin);
  log.info(`nats-server ${bin.version} at ${bin.path}`);
  const { topo, plan, previous } = planFor(ctx);
  const running = topo.servers.map((s) => s.name).filter((n) => runningPid(ctx.settings.sandboxDir, n));
  const notRunning = topo.servers.map((s) => s.name).filter((n) => !running.includes(n));
  await checkPorts(plan, previous, notRunning, running);
  const ports = allPorts(plan.ports);
  log.info(
    `port plan: ${topo.servers.length} servers on 127.0.0.1 ports ${Math.min(...ports)}-${Math.max(...ports)} (${running.length} already running), state in ${ctx.settings.sandboxDir}`,
  );
  if (!ctx.dryRun) writeLocalState(ctx.settings.sandboxDir, plan);
}

async function certsStage(ctx: Invocation): Promise<void> {
  const pki = await ensureLocalPki(ctx.runner, ctx.settings.sandboxDir);
  const verb = ctx.dryRun ? 'would issue' : 'issued';
  log.info(
    `sandbox PKI in ${pkiPaths(ctx.settings.sandboxDir).root}: ${verb} ${pki.issued.length ? pki.issued.join(', ') : 'nothing'}${pki.kept.length ? `; kept ${pki.kept.join(', ')} (current)` : ''}`,
  );
  log.info('stage 06 configures the servers with it: clients by certificate (verify_and_map), TLS on routes and gateways');
}

async function superclusterStage(ctx: Invocation): Promise<void> {
  const sandboxDir = ctx.settings.sandboxDir;
  const bin = findNatsServer(ctx.settings.env, ctx.settings.natsServerBin);
  const { topo, plan, previous } = planFor(ctx);
  // Stage 02 makes the PKI; doing it here too (a no-op when current) lets stage 06 run alone.
  const pki = await ensureLocalPki(ctx.runner, sandboxDir);
  const credentials = loadCredentials(sandboxDir, ctx.settings.env, !ctx.dryRun);
  const configs = renderLocalConfigs(topo, plan.ports, credentials, sandboxDir, ctx.settings.jsLimits, pki.server);
  const reconcile = planActions(sandboxDir, configs);
  const counts = new Map<string, number>();
  for (const a of reconcile.actions.values()) counts.set(a, (counts.get(a) ?? 0) + 1);
  const summary = [...counts]
    .map(([a, n]) => `${n} ${a}`)
    .concat(reconcile.obsolete.length ? [`${reconcile.obsolete.length} to remove`] : [])
    .join(', ');
  log.info(`${topo.servers.length} servers in ${topo.clusters.length} NATS clusters: ${summary}`);
  if (ctx.dryRun) {
    for (const [name, action] of reconcile.actions)
      if (action !== 'unchanged') log.cluster(name, `would ${action}: ${bin.path} -c ${localPaths(sandboxDir).conf(name)}`);
    for (const name of reconcile.obsolete) log.cluster(name, 'would stop and remove (no longer in the topology)');
    return;
  }
  const running = [...reconcile.actions].filter(([, a]) => a === 'unchanged' || a === 'restart').map(([n]) => n);
  const toStart = [...reconcile.actions].filter(([, a]) => a !== 'unchanged').map(([n]) => n);
  await checkPorts(plan, previous, toStart, running);
  writeLocalState(sandboxDir, plan);
  await applyServers({ sandboxDir, bin: bin.path, configs, reconcile, onEvent: (server, what) => log.cluster(server, what) });
  const started = performance.now();
  let lastReport = 0;
  const { live, verdict } = await waitConverged({
    topo,
    plan,
    credentials,
    timeoutMs: ctx.settings.convergeTimeoutMs,
    onRemovedPeers: (names) =>
      names.length && log.info(`  removed ${names.length} JetStream meta peer(s) of servers no longer in the topology`),
    onProgress: (v) => {
      if (!v.ok && performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        log.info(`  waiting for the supercluster to converge: ${v.problems.length} problem(s) left, e.g. ${v.problems[0]}`);
      }
    },
  });
  log.info(`converged in ${formatDuration(performance.now() - started)}: ${verdictLine(verdict, live)}`);
}

/** The plan stage 06 saved: later stages act on running servers. */
function requireRunningPlan(ctx: Invocation) {
  if (!readLocalState(ctx.settings.sandboxDir))
    throw new SandboxError(
      `no local supercluster in ${ctx.settings.sandboxDir}; run stage 06 first: npx zx scripts/06-supercluster.mjs ${ctx.names.join(' ')}`,
    );
  return planFor(ctx);
}

async function jetstreamStageLocal(ctx: Invocation): Promise<void> {
  const { topo, plan } = requireRunningPlan(ctx);
  if (ctx.dryRun) {
    const spec = jetstreamSpec(topo);
    log.info(
      `would apply ${spec.streams.length} streams (${spec.streams.map((s) => `${s.name} R${s.replicas} on ${s.placement.cluster}`).join(', ')}), ` +
        `${spec.consumers.length} consumer(s) and ${spec.kv.length} KV bucket(s) from nats/jetstream/spec.ts`,
    );
    return;
  }
  const credentials = loadCredentials(ctx.settings.sandboxDir, ctx.settings.env, true);
  await jetstreamStage({ topo, plan, credentials, say: (line) => log.info(`  ${line}`), timeoutMs: ctx.settings.convergeTimeoutMs });
}

async function servicesStageLocal(ctx: Invocation): Promise<void> {
  const { topo, plan } = requireRunningPlan(ctx);
  const credentials = loadCredentials(ctx.settings.sandboxDir, ctx.settings.env, !ctx.dryRun);
  await servicesStage(ctx, topo, plan, credentials);
}

/** Names to act on: the ones given, else the saved plan's. */
function namesOrPlan(ctx: Invocation): string[] {
  if (ctx.names.length) return ctx.names;
  const plan = readLocalState(ctx.settings.sandboxDir);
  if (!plan) throw new UsageError(`no cluster names given and no local sandbox in ${ctx.settings.sandboxDir}; e.g. status c1 c2 c3`);
  return plan.names;
}

async function status(ctx: Invocation, opts: StatusOptions): Promise<number> {
  const names = namesOrPlan(ctx);
  const { topo, plan } = planFor(ctx, names);
  const credentials = loadCredentials(ctx.settings.sandboxDir, ctx.settings.env, false);
  // The services stage 08 started, as the services framework discovery sees them.
  const servicesSection = async (): Promise<StatusSection> => {
    const services = await servicesStatus(ctx.settings.sandboxDir, topo, plan, credentials);
    const regions = byRegion(services.found);
    return {
      problems: services.missing.map(
        (n) =>
          `service process ${n} does not answer the services discovery (log: ${ctx.settings.sandboxDir}/local/services/${n}/service.log; run stage 08 to restart it)`,
      ),
      json: { services: regions },
      text: [
        ...(services.found.length ? [`\n${servicesTable(services.found)}`] : []),
        `services per region: ${names.map((n) => `${n} ${regions[n]?.length ?? 0}`).join(', ')}`,
      ],
    };
  };
  return reportStatus(topo, () => observeLocal(topo, plan, credentials), opts.json, servicesSection);
}

/** Stop every process a pid file under the sandbox names, when it still runs something of this sandbox. */
export async function stopEverything(sandboxDir: string): Promise<number> {
  const pids = pidFilesUnder(sandboxDir)
    .map((f) => ourPid(f, sandboxDir))
    .filter((p): p is number => p !== undefined);
  await Promise.all(pids.map((p) => stopProcess(p)));
  return pids.length;
}

async function deleteLocal(ctx: Invocation): Promise<void> {
  const sandboxDir = ctx.settings.sandboxDir;
  const plan = readLocalState(sandboxDir);
  const all = !ctx.names.length || !plan || plan.names.every((n) => ctx.names.includes(n));
  if (all) {
    if (ctx.dryRun) {
      log.info(`would stop every process of ${sandboxDir} and remove it`);
      return;
    }
    const stopped = await stopEverything(sandboxDir);
    rmSync(sandboxDir, { recursive: true, force: true });
    log.info(`stopped ${stopped} process(es) and removed ${sandboxDir}`);
    return;
  }
  const unknown = ctx.names.filter((n) => !plan.names.includes(n));
  if (unknown.length) log.warn(`not in this sandbox: ${unknown.join(', ')}`);
  if (ctx.dryRun) {
    log.info(`would stop and remove ${regionServers(plan, ctx.names).length} servers of ${ctx.names.join(', ')}`);
    return;
  }
  const { servers: gone } = await stopRegions(sandboxDir, plan, ctx.names);
  for (const name of gone) rmSync(localPaths(sandboxDir).serverDir(name), { recursive: true, force: true });
  const remaining = plan.names.filter((n) => !ctx.names.includes(n));
  const ports = Object.fromEntries(Object.entries(plan.ports).filter(([n]) => !gone.includes(n)));
  writeLocalState(sandboxDir, { ...plan, names: remaining, ports });
  log.info(
    `stopped and removed ${gone.length} servers of ${ctx.names.join(', ')}; run install ${remaining.join(' ')} to re-form the supercluster without them`,
  );
}

export const localProvider: ProviderImpl = {
  name: 'local',
  stages: {
    '01-clusters': clustersStage,
    '02-certs': certsStage,
    '06-supercluster': superclusterStage,
    '07-jetstream': jetstreamStageLocal,
    '08-services': servicesStageLocal,
  },
  skipped: {
    '03-linkerd': 'no service mesh between local processes: the stretched xr-js routes are direct loopback connections',
    '04-observability': 'no Prometheus/Grafana locally; each server serves its monitoring endpoint on its monitor port (see plan.json)',
    '05-ingress': "no ingress locally: regional servers advertise their gw servers' gateway addresses, as the haproxy ingress would",
  },
  status,
  delete: deleteLocal,
  region: (ctx, action) =>
    regionLocal(ctx, action, async (all) => {
      await step(`06-supercluster (local: ${all.names.join(' ')})`, () => superclusterStage(all));
      // Services come back only where stage 08 had run: other regions still have theirs.
      if (processesOnDisk(all.settings.sandboxDir).length)
        await step(`08-services (local: ${all.names.join(' ')})`, () => servicesStageLocal(all));
    }),
};
