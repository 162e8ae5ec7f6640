// The local provider: the same NATS topology as real nats-server processes under the sandbox.
import { rmSync } from 'node:fs';
import { cpus, freemem } from 'node:os';
import { SandboxError, UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { accountNames } from '../../core/jwt-store.js';
import { formatDuration, log, step } from '../../core/log.js';
import { ensureLocalPki, pkiPaths } from '../../core/pki.js';
import { loadCredentials } from '../../core/secrets.js';
import { readServicesSettings } from '../../core/settings.js';
import { copiesReport } from '../../nats/jetstream/copies.js';
import { jetstreamSpec } from '../../nats/jetstream/spec.js';
import { observeStreamCopies, removeMetaPeers, stepDownMetaLeader, streamCopiesChecked } from '../../nats/live/observe.js';
import { observation } from '../../nats/observation.js';
import { verdictLine } from '../../nats/report.js';
import type { Credentials } from '../../nats/server-config.js';
import { buildTopology, edgeArg, type Topology } from '../../nats/topology.js';
import { parseMysqlUrl } from '../../services/recorder/mysql-url.js';
import { waitConverged } from '../converge.js';
import type { Invocation, Provider } from '../provider.js';
import { edgesSection, observeEdges } from './edges.js';
import { prepareJwt, pushChangedAccounts } from './jwt.js';
import { checkPrivateMysqlPort, findMysqlServer } from './mysql.js';
import { resolveNatsServer } from './nats-server-bin.js';
import { allPorts } from './ports.js';
import { ourPid, pidFilesUnder, processesUnder, stopProcess } from './processes.js';
import { applyProcesses, exitedEarly, planProcesses, processesOnDisk, runningPid, summary } from './reconciler.js';
import { regionLocal, regionServers, regionServices, stopRegions } from './region.js';
import { serviceDir } from './service-processes.js';
import { judgeSize, SERVER_MIB } from './size.js';
import { type LocalState, localPaths, readLocalState, resolveLocal, serverGroup, serviceGroup, writeLocalState } from './state.js';
import { checkPorts, observeLocal, regionClientUrls, renderLocalConfigs, serverProcesses, systemConnection } from './supercluster.js';
import { partitionLocal } from './wan/partition.js';
import { reconcileWan } from './wan/reconcile.js';
import { wanSection } from './wan/section.js';
import { tableFor } from './wan/spec.js';
import { websocketSection } from './websocket.js';

/** The nats-server this run starts (NATS_SERVER_BIN, the cached pinned build, or PATH). */
function natsServer(inv: Invocation) {
  return resolveNatsServer({
    env: inv.settings.env,
    pinned: inv.settings.natsServerVersion,
    ...(inv.settings.natsServerBin ? { explicit: inv.settings.natsServerBin } : {}),
    runner: inv.runner,
    say: (line) => log.info(line),
    warn: (line) => log.warn(line),
  });
}

/**
 * Say the size of a sandbox larger than the default, and refuse (exit 2) what this machine cannot
 * hold unless --yes, before anything is written or started. Returns the servers already running.
 */
function checkSize(inv: Invocation, topo: Topology): string[] {
  const paths = localPaths(inv.settings.sandboxDir);
  const names = topo.servers.map((s) => s.name);
  const running = names.filter((n) => runningPid(serverGroup(inv.settings.sandboxDir), n, paths.conf(n)));
  const starting = names.length - running.length;
  const size = judgeSize(topo, starting * SERVER_MIB, freemem() / 2 ** 20, cpus().length, inv.args.yes === true);
  if (size.line) log.info(size.line);
  if (size.refusal && !inv.dryRun) throw new UsageError(size.refusal);
  if (size.refusal) log.warn(size.refusal.split('\n')[0]!);
  return running;
}

async function clustersStage(inv: Invocation): Promise<void> {
  const bin = await natsServer(inv);
  log.info(`nats-server ${bin.version} at ${bin.path}`);
  const { topo, state, previous } = resolveLocal(inv);
  const names = topo.servers.map((s) => s.name);
  const running = checkSize(inv, topo);
  await checkPorts(
    state,
    previous,
    names.filter((n) => !running.includes(n)),
    running,
  );
  const ports = allPorts(state.ports);
  log.info(
    `port plan: ${topo.servers.length} servers on 127.0.0.1 ports ${Math.min(...ports)}-${Math.max(...ports)} (${running.length} already running), state in ${inv.settings.sandboxDir}`,
  );
  if (!inv.dryRun) writeLocalState(inv.settings.sandboxDir, state);
}

async function certsStage(inv: Invocation): Promise<void> {
  const pki = await ensureLocalPki(inv.runner, inv.settings.sandboxDir);
  const verb = inv.dryRun ? 'would issue' : 'issued';
  log.info(
    `sandbox PKI in ${pkiPaths(inv.settings.sandboxDir).root}: ${verb} ${pki.issued.length ? pki.issued.join(', ') : 'nothing'}${pki.kept.length ? `; kept ${pki.kept.join(', ')} (current)` : ''}`,
  );
  const saved = inv.saved() as LocalState | undefined;
  // As stage 06 will choose (state.ts): the flag, then the sandbox's choice, then AUTH for a new one.
  const jwt = (inv.args.auth ?? (saved ? (saved.auth ?? 'mtls') : inv.settings.auth)) === 'jwt';
  const clients = jwt ? 'TLS for clients, who prove who they are with creds (operator mode)' : 'clients by certificate (verify_and_map)';
  log.info(`stage 06 configures the servers with it: ${clients}, TLS on routes and gateways`);
}

async function superclusterStage(inv: Invocation): Promise<void> {
  const sandboxDir = inv.settings.sandboxDir;
  const bin = await natsServer(inv);
  const { topo, state, previous } = resolveLocal(inv);
  checkSize(inv, topo);
  // Stage 02 makes the PKI; doing it here too (a no-op when current) lets stage 06 run alone.
  const pki = await ensureLocalPki(inv.runner, sandboxDir);
  // Before the credentials: in operator mode they are the creds files this makes.
  const jwt = await prepareJwt(sandboxDir, topo, state, inv.dryRun);
  const credentials = loadCredentials(sandboxDir, inv.settings.env, !inv.dryRun);
  const configs = renderLocalConfigs(
    topo,
    state.ports,
    credentials,
    sandboxDir,
    inv.settings.jsLimits,
    pki.server,
    state.links,
    inv.settings.stretchedRoutes,
    jwt?.local,
  );
  const group = serverGroup(sandboxDir);
  const desired = serverProcesses(sandboxDir, bin.path, configs);
  const plan = planProcesses(group, desired);
  log.info(`${topo.servers.length} servers in ${topo.clusters.length} NATS clusters: ${summary(plan)}`);
  if (inv.dryRun) {
    for (const [name, action] of plan.actions) {
      if (action !== 'unchanged') log.cluster(name, `would ${action}: ${bin.path} -c ${localPaths(sandboxDir).conf(name)}`);
    }
    for (const name of plan.obsolete) log.cluster(name, 'would stop and remove (no longer in the topology)');
    await reconcileWan(sandboxDir, topo, state, state.wan, true);
    return;
  }
  if (previous) await retireMetaPeers(previous, plan.obsolete, credentials);
  const running = [...plan.actions].filter(([, a]) => a === 'unchanged' || a === 'restart').map(([n]) => n);
  const toStart = [...plan.actions].filter(([, a]) => a !== 'unchanged').map(([n]) => n);
  await checkPorts(state, previous, toStart, running);
  writeLocalState(sandboxDir, state);
  // The links first, so servers that start find them listening.
  await reconcileWan(sandboxDir, topo, state, state.wan, false);
  // No settle pause: the convergence wait checks from its first try that every server still runs.
  const started = await applyProcesses(
    group,
    desired,
    plan,
    { say: (server, what) => log.cluster(server, what) },
    (name) => localPaths(sandboxDir).conf(name),
    false,
  );
  await convergeLocal(inv, topo, state, credentials, () => exitedEarly(group, started));
  if (jwt) await pushChangedAccounts(topo, state, credentials, jwt);
}

/**
 * Takes the JetStream servers about to be stopped for good (a role scaled down, a region left out)
 * out of the meta group while they still run, the meta leader first handed to a server that stays.
 * Stopped first, more than half of the group at once (js=3 to js=1 in three regions: 12 peers to
 * 6) leaves the rest without a quorum to elect a leader, let alone remove the others.
 */
async function retireMetaPeers(previous: LocalState, obsolete: readonly string[], credentials: Credentials): Promise<void> {
  const before = buildTopology(previous.names, { replicas: previous.replicas });
  const leaving = before.servers.filter((s) => s.jetstream && obsolete.includes(s.name)).map((s) => s.name);
  const staying = before.servers.filter((s) => s.jetstream && !obsolete.includes(s.name)).map((s) => s.name);
  if (!leaving.length || !staying.length) return;
  const system = systemConnection(before, previous, credentials);
  try {
    const leader = (await observeLocal(before, previous, credentials, 1000)).find((s) => s.metaLeader)?.metaLeader;
    if (leader && leaving.includes(leader)) await stepDownMetaLeader(system, staying[0]!);
    // Right after a step-down the group elects: a removal asked then may go unanswered.
    let left = leaving;
    for (let attempt = 0; attempt < 20 && left.length; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 500));
      const removed = await removeMetaPeers(
        system,
        left.map((server) => ({ server })),
      );
      left = left.filter((n) => !removed.some((p) => 'server' in p && p.server === n));
    }
    log.info(
      `  took ${leaving.length - left.length} of ${leaving.length} JetStream server(s) leaving the topology out of the meta group before stopping them`,
    );
  } catch (e) {
    log.warn(
      `  could not take the JetStream servers leaving out of the meta group first (${(e as Error).message}); the convergence wait tries again`,
    );
  }
}

/** Stage 06's wait: the supercluster as the topology says, stale meta peers removed, wrong counts corrected. */
async function convergeLocal(
  inv: Invocation,
  topo: Topology,
  state: LocalState,
  credentials: Credentials,
  failFast?: () => Error | undefined,
): Promise<void> {
  let lastReport = 0;
  const system = () => systemConnection(topo, state, credentials);
  const { live, verdict, elapsedMs } = await waitConverged({
    topology: topo,
    ...(failFast ? { failFast } : {}),
    // A try that is not converged yet waits only for the servers that answer within 0.5 s: the
    // next try comes 0.2 s later, so convergence is seen within about 0.7 s of happening.
    observe: () => observeLocal(topo, state, credentials, 500),
    timeoutMs: inv.settings.convergeTimeoutMs,
    intervalMs: 200,
    fix: `look at the server logs under ${localPaths(inv.settings.sandboxDir).servers}/<name>/server.log, or raise CONVERGE_TIMEOUT_SECONDS`,
    onProgress: (v, elapsed) => {
      if (elapsed - lastReport > 5000) {
        lastReport = elapsed;
        log.info(`  waiting for the supercluster to converge: ${v.problems.length} problem(s) left, e.g. ${v.problems[0]}`);
      }
    },
    stepDownMetaLeader: async (server) => {
      const done = await stepDownMetaLeader(system(), server);
      log.info(
        `  ${done ? 'stepped the JetStream meta leader down' : 'asked the JetStream meta leader to step down'} for ${server}, which counts the group right: the others take the new leader's count`,
      );
    },
    removeStalePeers: async (v) => {
      const removed = await removeMetaPeers(
        system(),
        v.stalePeers.map((p) => ({ peerId: p.peer })),
      );
      if (removed.length) log.info(`  removed ${removed.length} JetStream meta peer(s) of servers no longer in the topology`);
      return removed.map((p) => ('peerId' in p ? p.peerId : p.server));
    },
  });
  log.info(`converged in ${formatDuration(elapsedMs)}: ${verdictLine(verdict, live)}`);
}

/** What install checks before its first stage: the port plan, MYSQL_URL, the private MySQL's port. */
async function preflightLocal(inv: Invocation): Promise<void> {
  const { state } = resolveLocal(inv);
  const s = readServicesSettings(inv.settings.env, state.portBase);
  if (s.mysqlUrl) parseMysqlUrl(s.mysqlUrl);
  else if (findMysqlServer(inv.settings.env)) await checkPrivateMysqlPort(inv.settings.sandboxDir, s.mysqlPort);
}

/** The state stage 06 saved: later stages act on running servers. */
function requireRunning(inv: Invocation) {
  if (!readLocalState(inv.settings.sandboxDir)) {
    throw new UsageError(
      `no local supercluster in ${inv.settings.sandboxDir}; run stage 06 first: ${commandHint('06-supercluster', inv.names)}`,
    );
  }
  return resolveLocal(inv);
}

async function jetstreamStageLocal(inv: Invocation): Promise<void> {
  const { topo, state } = requireRunning(inv);
  if (inv.dryRun) {
    const spec = jetstreamSpec(topo);
    log.info(
      `would apply ${spec.streams.length} streams (${spec.streams.map((s) => `${s.name} R${s.replicas} on ${s.placement.cluster}`).join(', ')}), ` +
        `${spec.consumers.length} consumer(s) and ${spec.kv.length} KV bucket(s) from nats/jetstream/spec.ts`,
    );
    return;
  }
  const credentials = loadCredentials(inv.settings.sandboxDir, inv.settings.env, true);
  const { jetstreamStage } = await import('./jetstream.js');
  await jetstreamStage({ topo, state, credentials, say: (line) => log.info(`  ${line}`), timeoutMs: inv.settings.convergeTimeoutMs });
}

async function servicesStageLocal(inv: Invocation): Promise<void> {
  const { topo, state } = requireRunning(inv);
  const credentials = loadCredentials(inv.settings.sandboxDir, inv.settings.env, !inv.dryRun);
  await (await import('./services.js')).servicesStage(inv, topo, state, credentials);
}

function requireSandbox(inv: Invocation) {
  if (!inv.saved()) {
    throw new UsageError(
      `no local sandbox in ${inv.settings.sandboxDir}; install one first, e.g. ${commandHint('install', ['c1', 'c2', 'c3'])}`,
    );
  }
  return resolveLocal(inv);
}

async function observeSandbox(inv: Invocation, opts: { waitMs?: number } = {}) {
  if (!inv.saved()) {
    // Nothing runs: every server is missing, and the report says why.
    const problem = `no local sandbox in ${inv.settings.sandboxDir}; install one first, e.g. ${commandHint('install', inv.names.length ? inv.names : ['c1', 'c2', 'c3'])}`;
    return observation({
      topology: inv.topology(),
      live: [],
      sections: [{ name: 'sandbox', problems: [{ text: problem }], json: {}, text: [] }],
    });
  }
  const { topo, state } = resolveLocal(inv);
  const credentials = loadCredentials(inv.settings.sandboxDir, inv.settings.env, false);
  // Loaded here, not with the provider: stages 01-06 run without the JetStream, services and MySQL clients.
  const [{ observeExtras }, { servicesSection }, { recordingSection }] = await Promise.all([
    import('./observe-extras.js'),
    import('./services.js'),
    import('./recording.js'),
  ]);
  // Two connections: the system user for the servers, the admin for services and JetStream.
  // A third asks every JetStream server for its stream copies, to compare them; the edge
  // sites are asked on their own monitoring ports.
  const [live, extras, copies, edges] = await Promise.all([
    observeLocal(topo, state, credentials, opts.waitMs).catch((e: Error) => {
      log.warn(`no server answered: ${e.message}`);
      return [];
    }),
    observeExtras(topo, state, credentials),
    streamCopiesChecked(() =>
      observeStreamCopies({
        connection: systemConnection(topo, state, credentials),
        // every server answers JSZ, with JetStream or not
        expectedServers: topo.servers.length,
        waitMs: 1000,
      }),
    ).catch(() => undefined),
    observeEdges(topo, state, state.auth === 'jwt' ? accountNames(inv.settings.sandboxDir) : {}),
  ]);
  const edgeSection = edgesSection(topo, edges);
  const websockets = websocketSection(topo, state);
  const services = servicesSection(inv.settings.sandboxDir, topo, extras.found);
  const recording = await recordingSection(inv.settings.sandboxDir, inv.settings.env, topo, extras.jetstream);
  const wan = wanSection(inv.settings.sandboxDir, new Map(topo.edges.map((e) => [e.name, topo.names])));
  return observation({
    topology: topo,
    live,
    services: services.found.map((f) => ({ region: f.region, name: f.name, instance: f.instance, ...extras.stats.get(f.id) })),
    ...(extras.jetstream ? { jetstream: extras.jetstream } : {}),
    ...(topo.edges.length ? { edges } : {}),
    sections: [
      ...(wan ? [wan] : []),
      ...(copies ? [{ name: 'stream copies', ...copiesReport(copies.copies, copies.disagreements) }] : []),
      ...(edgeSection ? [edgeSection] : []),
      ...(websockets ? [websockets] : []),
      services.section,
      ...(recording ? [recording] : []),
    ],
  });
}

/**
 * Every process of this sandbox: those its pid files name (still running our command) and any
 * whose command line names a path inside it (a pid file lost or never written).
 */
function sandboxProcesses(dir: string): { pid: number; command: string }[] {
  const byPid = new Map(processesUnder(dir).map((p) => [p.pid, p]));
  for (const f of pidFilesUnder(dir)) {
    const pid = ourPid(f, dir);
    if (pid && !byPid.has(pid)) byPid.set(pid, { pid, command: f });
  }
  return [...byPid.values()];
}

/** Stop them all, then make sure none is left: state is never removed from under a running process. */
async function stopAll(dir: string, what: string): Promise<number> {
  const found = sandboxProcesses(dir);
  await Promise.all(found.map((p) => stopProcess(p.pid)));
  const left = sandboxProcesses(dir);
  if (left.length) {
    throw new SandboxError(
      `${left.length} process(es) of ${what} still run after SIGTERM and SIGKILL, so nothing was removed:\n${left
        .slice(0, 5)
        .map((p) => `  - pid ${p.pid}: ${p.command.slice(0, 160)}`)
        .join('\n')}\nfix: stop them (kill -9 <pid>), then run delete again`,
    );
  }
  return found.length;
}

/** Read the saved state, or say why it cannot be read (delete must work either way). */
function tryState(sandboxDir: string): { state?: LocalState; unreadable?: string } {
  try {
    const state = readLocalState(sandboxDir);
    return state ? { state } : {};
  } catch (e) {
    return { unreadable: (e as Error).message.split('\n')[0] };
  }
}

/**
 * Take the JetStream servers of deleted regions out of the meta group by name, while the servers
 * left still know those names (after their restart they know them by peer id only, and for a
 * while not at all): they no longer count against the quorum. Stage 06 removes what is left.
 */
async function dropMetaPeers(inv: Invocation, state: LocalState, regions: string[], remaining: string[]): Promise<void> {
  const gone = buildTopology(state.names, { replicas: state.replicas }).servers.filter(
    (s) => s.jetstream && regions.includes(s.datacenter),
  );
  if (!gone.length || !remaining.length) return;
  const left = { ...state, names: remaining };
  const topo = buildTopology(remaining, { replicas: state.replicas });
  try {
    const removed = await removeMetaPeers(
      systemConnection(topo, left, loadCredentials(inv.settings.sandboxDir, inv.settings.env, false)),
      gone.map((s) => ({ server: s.name })),
    );
    log.info(`took ${removed.length} of ${gone.length} JetStream server(s) of ${regions.join(', ')} out of the meta group`);
  } catch (e) {
    log.warn(
      `could not take the JetStream servers of ${regions.join(', ')} out of the meta group now (${(e as Error).message}); stage 06 does it`,
    );
  }
}

async function deleteLocal(inv: Invocation): Promise<void> {
  const sandboxDir = inv.settings.sandboxDir;
  const { state, unreadable } = tryState(sandboxDir);
  const given = inv.args.names;
  if (unreadable && given.length) {
    throw new UsageError(`${unreadable}\nfix: delete without names removes the whole sandbox: ${commandHint('delete')}`);
  }
  if (unreadable) log.warn(`${unreadable}: removing the whole sandbox, finding its processes by their command lines`);
  const all = !given.length || !state || state.names.every((n) => given.includes(n));
  if (all) {
    if (inv.dryRun) {
      log.info(`would stop every process of ${sandboxDir} (${sandboxProcesses(sandboxDir).length} running) and remove it`);
      return;
    }
    const stopped = await stopAll(sandboxDir, sandboxDir);
    rmSync(sandboxDir, { recursive: true, force: true });
    log.info(`stopped ${stopped} process(es) and removed ${sandboxDir}`);
    return;
  }
  // An edge site goes with its hub region: its hub is where its leafnode and its stream's source live.
  const edgesGone = (state.edges ?? []).filter((e) => given.includes(e.hub));
  const edgeServers = buildTopology(state.names, { replicas: state.replicas }, edgesGone).edges.flatMap((e) => e.servers);
  const servers = [...regionServers(state, given), ...edgeServers];
  const services = regionServices(sandboxDir, [...given, ...edgesGone.map((e) => e.name)]);
  const also = edgesGone.length ? ` and their edge site(s) ${edgesGone.map(edgeArg).join(', ')}` : '';
  if (inv.dryRun) {
    log.info(`would stop and remove ${servers.length} servers and ${services.length} services of ${given.join(', ')}${also}`);
    return;
  }
  await stopRegions(sandboxDir, state, given);
  const dirs = [...servers.map((n) => localPaths(sandboxDir).serverDir(n)), ...services.map((n) => serviceDir(sandboxDir, n))];
  for (const dir of dirs) await stopAll(dir, dir);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const remaining = state.names.filter((n) => !given.includes(n));
  await dropMetaPeers(inv, state, given, remaining);
  // A server's own slot and its leafnode listener's (c1-nats-0/leafnodes) go with it.
  const ports = Object.fromEntries(Object.entries(state.ports).filter(([n]) => !servers.includes(n.split('/')[0]!)));
  const edges = (state.edges ?? []).filter((e) => !edgesGone.includes(e));
  // The links are planned again by the next stage 06; the delays of the regions left are kept.
  const { links: _links, wan: _wan, edges: _edges, ...rest } = state;
  writeLocalState(sandboxDir, {
    ...rest,
    names: remaining,
    ports,
    ...(edges.length ? { edges } : {}),
    ...(state.wan ? { wan: tableFor(state.wan, { regions: remaining, edges: edges.map((e) => e.name) }) } : {}),
  });
  const keep = [...remaining, ...edges.map(edgeArg)];
  log.info(
    `stopped and removed ${servers.length} servers of ${given.join(', ')}${also}; run ${commandHint('install', keep)} to re-form the supercluster without them`,
  );
}

export const localProvider: Provider = {
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
  saved: (settings) => readLocalState(settings.sandboxDir),
  preflight: preflightLocal,
  // The private MariaDB needs nothing of NATS: started once ports and PKI are in place, its first
  // start runs while the supercluster forms, and stage 08 takes it over ready.
  headStart: {
    after: '02-certs',
    start: async (inv) => (await import('./services.js')).startMysqlAhead(inv, resolveLocal(inv).state.portBase),
  },
  observe: observeSandbox,
  clientUrl(inv) {
    const { topo, state } = requireSandbox(inv);
    return (cluster) => regionClientUrls(topo, state, cluster).join(',');
  },
  delete: deleteLocal,
  partition: partitionLocal,
  drill: async (inv, options) => (await import('./drill/run.js')).prepareDrill(localProvider, inv, options),
  region: (inv, action) =>
    regionLocal(inv, action, async (all) => {
      await step(`06-supercluster (local: ${all.names.join(' ')})`, () => superclusterStage(all));
      // Services come back only where stage 08 had run: other regions still have theirs.
      if (processesOnDisk(serviceGroup(all.settings.sandboxDir)).length) {
        await step(`08-services (local: ${all.names.join(' ')})`, () => servicesStageLocal(all));
      }
    }),
};
