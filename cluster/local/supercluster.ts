// The local provider's supercluster: one nats-server process per server of the model, on
// loopback, reconciled idempotently (start what is missing, restart what changed, leave the rest).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { DEFAULT_PORT_BASE } from '../../core/settings.js';
import type { Identity } from '../../nats/accounts.js';
import { localAddressing } from '../../nats/addressing.js';
import { toNatsConf } from '../../nats/conf.js';
import { expectedTopology } from '../../nats/expected.js';
import { type ClientEnv, clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { observe, removeMetaPeers } from '../../nats/live/observe.js';
import { type Credentials, type JetStreamLimits, type ServerTls, serverConfig } from '../../nats/server-config.js';
import { buildTopology, type Role, resolveReplicas, type Topology } from '../../nats/topology.js';
import { type LiveServer, type Verdict, verify } from '../../nats/verify.js';
import type { Invocation } from '../provider.js';
import { describeBusyPorts, findBusyPorts } from './port-check.js';
import { allPorts, type PortMap, assignPorts } from './ports.js';
import { commandOf, isAlive, logTail, ourPid, removePidFile, startDetached, stopProcess } from './processes.js';
import { type LocalState, localPaths, readLocalState } from './state.js';

export interface PlanInput {
  sandboxDir: string;
  names: string[];
  /** Replicas from flags and environment; the saved plan and defaults fill the rest. */
  replicas: Partial<Record<Role, number>>;
  /** Undefined: keep the saved plan's base (or the default for a new sandbox). */
  portBase?: number | undefined;
}

/** The topology and port plan for `names`, keeping what an earlier run saved where it still applies. */
export function resolvePlan(input: PlanInput): { topo: Topology; plan: LocalState; previous?: LocalState } {
  const previous = readLocalState(input.sandboxDir);
  const replicas = resolveReplicas(input.replicas, previous?.replicas);
  const topo = buildTopology(input.names, { replicas });
  const portBase = input.portBase ?? previous?.portBase ?? DEFAULT_PORT_BASE;
  const keep = previous && previous.portBase === portBase ? previous.ports : {};
  const ports = assignPorts(
    topo.servers.map((s) => s.name),
    portBase,
    keep,
  );
  return { topo, plan: { version: 1, names: [...input.names], replicas, portBase, ports }, ...(previous ? { previous } : {}) };
}

/** The plan of a command: its names (or `names`), replicas and port base from flags and settings. */
export function planFor(ctx: Invocation, names: string[] = ctx.names) {
  return resolvePlan({
    sandboxDir: ctx.settings.sandboxDir,
    names,
    replicas: { ...ctx.settings.replicas, ...ctx.args.replicas },
    portBase: ctx.settings.portBase,
  });
}

export function renderLocalConfigs(
  topo: Topology,
  ports: PortMap,
  credentials: Credentials,
  sandboxDir: string,
  jsLimits?: JetStreamLimits,
  tls?: ServerTls,
): Map<string, string> {
  const paths = localPaths(sandboxDir);
  const addressing = localAddressing(topo, (name) => {
    const p = ports[name];
    if (!p) throw new Error(`no ports planned for ${name}`);
    return p;
  });
  const out = new Map<string, string>();
  for (const server of topo.servers) {
    const config = serverConfig({
      topo,
      server,
      addressing,
      credentials,
      ...(server.jetstream ? { storeDir: paths.store(server.name) } : {}),
      ...(jsLimits ? { jsLimits } : {}),
      ...(tls ? { tls } : {}),
    });
    out.set(
      server.name,
      toNatsConf(config, `${server.name}: written by the NATS supercluster sandbox (local provider); edits are overwritten`),
    );
  }
  return out;
}

export type ServerAction = 'unchanged' | 'start' | 'restart' | 'heal';

export interface ServerActions {
  actions: Map<string, ServerAction>;
  /** Servers on disk that the topology no longer has. */
  obsolete: string[];
}

/** Servers of this sandbox that have a directory on disk. */
export function serversOnDisk(sandboxDir: string): string[] {
  const dir = localPaths(sandboxDir).servers;
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function runningPid(sandboxDir: string, name: string): number | undefined {
  const paths = localPaths(sandboxDir);
  return ourPid(paths.pid(name), paths.conf(name));
}

export function planActions(sandboxDir: string, configs: Map<string, string>): ServerActions {
  const paths = localPaths(sandboxDir);
  const actions = new Map<string, ServerAction>();
  for (const [name, text] of configs) {
    const pid = runningPid(sandboxDir, name);
    const current = existsSync(paths.conf(name)) ? readFileSync(paths.conf(name), 'utf8') : undefined;
    if (pid) actions.set(name, current === text ? 'unchanged' : 'restart');
    else actions.set(name, existsSync(paths.pid(name)) ? 'heal' : 'start');
  }
  const obsolete = serversOnDisk(sandboxDir).filter((n) => !configs.has(n));
  return { actions, obsolete };
}

/** Ports that servers about to start need, minus those our own running servers hold now. */
export async function checkPorts(plan: LocalState, previous: LocalState | undefined, toStart: string[], runningNow: string[]): Promise<void> {
  const ours = new Set(runningNow.flatMap((n) => (previous?.ports[n] ? allPorts({ [n]: previous.ports[n]! }) : [])));
  const needed = toStart.flatMap((name) => {
    const p = plan.ports[name]!;
    return [
      { port: p.client, owner: `${name} client` },
      { port: p.cluster, owner: `${name} cluster` },
      { port: p.gateway, owner: `${name} gateway` },
      { port: p.monitor, owner: `${name} monitor` },
    ].filter((x) => !ours.has(x.port));
  });
  const busy = await findBusyPorts(needed);
  if (busy.length) throw new SandboxError(describeBusyPorts(busy));
}

export interface ApplyOptions {
  sandboxDir: string;
  bin: string;
  configs: Map<string, string>;
  reconcile: ServerActions;
  onEvent?: (server: string, what: string) => void;
}

export async function stopServer(sandboxDir: string, name: string): Promise<boolean> {
  const pid = runningPid(sandboxDir, name);
  removePidFile(localPaths(sandboxDir).pid(name));
  if (!pid) return false;
  await stopProcess(pid);
  return true;
}

/** Write configs, stop obsolete and changed servers, start the rest; all in parallel. */
export async function applyServers(opts: ApplyOptions): Promise<void> {
  const paths = localPaths(opts.sandboxDir);
  const say = opts.onEvent ?? (() => undefined);
  await Promise.all(
    opts.reconcile.obsolete.map(async (name) => {
      if (await stopServer(opts.sandboxDir, name)) say(name, 'stopped (no longer in the topology)');
      rmSync(paths.serverDir(name), { recursive: true, force: true });
    }),
  );
  const restart = [...opts.reconcile.actions].filter(([, a]) => a === 'restart').map(([n]) => n);
  await Promise.all(restart.map((name) => stopServer(opts.sandboxDir, name)));
  const toStart = [...opts.reconcile.actions].filter(([, a]) => a !== 'unchanged').map(([n]) => n);
  for (const name of toStart) {
    mkdirSync(paths.serverDir(name), { recursive: true });
    writeFileSync(paths.conf(name), opts.configs.get(name)!, { mode: 0o600 });
  }
  const started = toStart.map((name) => ({
    name,
    pid: startDetached({ command: opts.bin, args: ['-c', paths.conf(name)], pidFile: paths.pid(name), logFile: paths.log(name) }),
  }));
  // A bad config or a port taken in the meantime ends a server at once: catch that here.
  await sleep(started.length ? 400 : 0);
  const dead = started.filter((s) => !isAlive(s.pid) || !commandOf(s.pid));
  if (dead.length) {
    const details = dead
      .slice(0, 3)
      .map((s) => `  ${s.name} (log ${paths.log(s.name)}):\n${logTail(paths.log(s.name), 5).replace(/^/gm, '    ')}`);
    throw new SandboxError(`${dead.length} nats-server process(es) exited right after starting:\n${details.join('\n')}`);
  }
  for (const s of started) say(s.name, `${opts.reconcile.actions.get(s.name)} (pid ${s.pid})`);
}

export interface ConvergeOptions {
  topo: Topology;
  plan: LocalState;
  credentials: Credentials;
  timeoutMs: number;
  onProgress?: (verdict: Verdict, live: LiveServer[]) => void;
  /** Meta group peers of removed servers that were taken out of the group. */
  onRemovedPeers?: (names: string[]) => void;
}

export function clientUrls(plan: LocalState, names?: string[]): string[] {
  return Object.entries(plan.ports)
    .filter(([n]) => !names || names.includes(n))
    .map(([, p]) => `nats://127.0.0.1:${p.client}`);
}

/**
 * Client URLs of a datacenter's seed ("computing") servers: where that region's services and
 * requesters connect, so NATS keeps their traffic in the region when it can.
 */
export function regionClientUrls(topo: Topology, plan: LocalState, datacenter: string): string[] {
  return topo.servers
    .filter((s) => s.datacenter === datacenter && s.role === 'seed')
    .map((s) => `nats://127.0.0.1:${plan.ports[s.name]!.client}`);
}

/** Environment for a local client process of `identity` in `datacenter` (see nats/client.ts). */
export function localClientEnv(
  topo: Topology,
  plan: LocalState,
  credentials: Credentials,
  identity: Identity,
  datacenter: string,
): ClientEnv {
  return clientEnvFor(credentials, identity, regionClientUrls(topo, plan, datacenter));
}

/** The system user's connection to any server of the topology. */
function systemConnection(topo: Topology, plan: LocalState, credentials: Credentials): ConnectionOptions {
  return connectionFromEnv(
    clientEnvFor(
      credentials,
      'sys',
      clientUrls(
        plan,
        topo.servers.map((s) => s.name),
      ),
    ),
  );
}

export async function observeLocal(topo: Topology, plan: LocalState, credentials: Credentials, waitMs = 2000): Promise<LiveServer[]> {
  return observe({ connection: systemConnection(topo, plan, credentials), expectedServers: topo.servers.length, waitMs });
}

/** Poll the live system until it matches the model, or fail naming what did not converge. */
export async function waitConverged(opts: ConvergeOptions): Promise<{ verdict: Verdict; live: LiveServer[] }> {
  const expected = expectedTopology(opts.topo);
  const deadline = Date.now() + opts.timeoutMs;
  let last: { verdict: Verdict; live: LiveServer[] } | undefined;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const live = await observeLocal(opts.topo, opts.plan, opts.credentials, 1500);
      const verdict = verify(expected, live);
      last = { verdict, live };
      opts.onProgress?.(verdict, live);
      if (verdict.ok) return last;
      if (verdict.stalePeers.length) {
        const removed = await removeMetaPeers(
          systemConnection(opts.topo, opts.plan, opts.credentials),
          verdict.stalePeers.map((p) => p.peer),
        );
        opts.onRemovedPeers?.(verdict.stalePeers.filter((p) => removed.includes(p.peer)).map((p) => p.name));
      }
    } catch (e) {
      lastError = (e as Error).message;
    }
    await sleep(500);
  }
  const why = last ? last.verdict.problems.map((p) => `  - ${p}`).join('\n') : `  - no server answered (${lastError || 'no connection'})`;
  throw new SandboxError(
    `the supercluster did not converge within ${Math.round(opts.timeoutMs / 1000)}s:\n${why}\nfix: look at the server logs under ${'<sandbox>/local/servers/<name>/server.log'}, or raise CONVERGE_TIMEOUT_SECONDS`,
  );
}
