// What the local provider saves under the sandbox directory (plan.json: the names, replicas and
// port assignment a sandbox was made with) and where its files live.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError, UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { log } from '../../core/log.js';
import { DEFAULT_PORT_BASE } from '../../core/settings.js';
import { leafnodeListeners } from '../../nats/edges.js';
import type { Topology } from '../../nats/topology.js';
import { authModeOf } from '../auth-mode.js';
import type { Invocation } from '../provider.js';
import type { LocalState } from './plan.js';
import { assignPorts, leafnodeKey } from './ports.js';
import { type Rebuilt, rebuildLocalState } from './rebuild-state.js';
import type { ProcessGroup } from './reconciler.js';
import { assignLinkPorts, linkNames, wanFiles } from './wan/layout.js';
import { parseWan, type RttTable, tableFor } from './wan/spec.js';

export type { LocalState } from './plan.js';

export function localPaths(sandboxDir: string) {
  const servers = join(sandboxDir, 'local', 'servers');
  return {
    root: sandboxDir,
    state: join(sandboxDir, 'plan.json'),
    servers,
    serverDir: (name: string) => join(servers, name),
    conf: (name: string) => join(servers, name, 'nats-server.conf'),
    log: (name: string) => join(servers, name, 'server.log'),
    store: (name: string) => join(servers, name, 'jetstream'),
    /** The account JWTs a server's full resolver keeps (operator mode). */
    resolver: (name: string) => join(servers, name, 'jwt'),
    services: join(sandboxDir, 'local', 'services'),
  };
}

/** The nats-server processes: one folder each, config and log inside. */
export function serverGroup(sandboxDir: string): ProcessGroup {
  return { root: localPaths(sandboxDir).servers, kind: 'nats-server', logName: 'server.log', settleMs: 400, stopGraceMs: 5000 };
}

/** The WAN router (one process, while the sandbox has the WAN layer). */
export function wanGroup(sandboxDir: string): ProcessGroup {
  return { root: wanFiles(sandboxDir).groupRoot, kind: 'WAN router', logName: 'router.log', settleMs: 300, stopGraceMs: 3000 };
}

/** The service processes (math services, recorder). */
export function serviceGroup(sandboxDir: string): ProcessGroup {
  return { root: localPaths(sandboxDir).services, kind: 'service', logName: 'service.log', stopGraceMs: 10_000 };
}

export function readLocalState(sandboxDir: string): LocalState | undefined {
  const file = localPaths(sandboxDir).state;
  if (!existsSync(file)) {
    // Gone while servers are there: their configs say what it said.
    const rebuilt = rebuildFrom(sandboxDir);
    if ('why' in rebuilt) return undefined;
    warnRebuilt(sandboxDir, `${file} is missing`, rebuilt.state);
    return rebuilt.state;
  }
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Omit<LocalState, 'wan'> & { wan?: RttTable | string };
    if (state.version !== 1 || !Array.isArray(state.names)) throw new Error('unknown format');
    // Sandboxes made before the table was saved kept --wan as typed.
    if (typeof state.wan === 'string') {
      const table = parseWan(state.wan, state.names, 'the saved --wan');
      const { wan: _text, ...rest } = state;
      return table === 'off' ? rest : { ...rest, wan: table };
    }
    return state as LocalState;
  } catch (e) {
    const unreadable = `${file} cannot be read (${(e as Error).message})`;
    const rebuilt = rebuildFrom(sandboxDir);
    if ('state' in rebuilt) {
      warnRebuilt(sandboxDir, unreadable, rebuilt.state);
      return rebuilt.state;
    }
    throw new SandboxError(
      `${unreadable}, and it cannot be rebuilt from the servers' configs: ${rebuilt.why}\nfix: ${commandHint('delete')} removes the sandbox; then install again`,
    );
  }
}

function rebuildFrom(sandboxDir: string): Rebuilt {
  const wan = wanFiles(sandboxDir);
  return rebuildLocalState({ servers: localPaths(sandboxDir).servers, wanConfig: wan.config, wanLinks: wan.links });
}

const rebuiltOnce = new Set<string>();

function warnRebuilt(sandboxDir: string, what: string, state: LocalState): void {
  if (rebuiltOnce.has(sandboxDir)) return;
  rebuiltOnce.add(sandboxDir);
  log.warn(
    `${what}: rebuilt the plan from the configs of its ${Object.keys(state.ports).length} servers (${state.names.join(' ')}); the next ${commandHint('06-supercluster', state.names)} saves it again`,
  );
}

/** Written whole or not at all (a crash mid-write must not leave half a file). */
export function writeLocalState(sandboxDir: string, state: LocalState): void {
  mkdirSync(sandboxDir, { recursive: true });
  const file = localPaths(sandboxDir).state;
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface ResolvedLocal {
  topo: Topology;
  state: LocalState;
  previous?: LocalState;
}

/**
 * The sandbox's port base: the saved one, once there is a sandbox (the environment and .env only
 * shape a new one; moving a running sandbox would restart every server on new ports), else
 * LOCAL_PORT_BASE, else the default. `ignored` is the environment's value when it was not taken.
 */
export function portBaseOf(fromSettings: number | undefined, previous: Pick<LocalState, 'portBase'> | undefined) {
  const portBase = previous?.portBase ?? fromSettings ?? DEFAULT_PORT_BASE;
  return { portBase, ...(fromSettings !== undefined && fromSettings !== portBase ? { ignored: fromSettings } : {}) };
}

const warned = new Set<string>();

/** The run's topology with its port assignment; servers keep the ports an earlier run gave them. */
export function resolveLocal(inv: Invocation): ResolvedLocal {
  // What the sandbox saved before this run (the local provider's saved() is its LocalState).
  const previous = inv.saved() as LocalState | undefined;
  const topo = inv.topology();
  const { portBase, ignored } = portBaseOf(inv.settings.portBase, previous);
  if (ignored !== undefined && !warned.has(inv.settings.sandboxDir)) {
    warned.add(inv.settings.sandboxDir);
    log.warn(
      `LOCAL_PORT_BASE=${ignored} is not used: this sandbox keeps its ports from ${portBase} (delete it to make one on other ports, or use another SANDBOX_DIR)`,
    );
  }
  const keep = previous?.ports ?? {};
  const ports = assignPorts(
    [
      ...topo.servers.map((s) => s.name),
      ...topo.edges.flatMap((e) => e.servers),
      ...leafnodeListeners(topo).map((s) => leafnodeKey(s.name)),
    ],
    portBase,
    keep,
  );
  // --wan changes the sandbox; .env's WAN only shapes a new one; a saved value stays until a flag
  // (for the regions it still has: pairs of regions gone are dropped, new pairs are 0 ms).
  const asked =
    inv.args.wan ??
    (previous
      ? previous.wan
      : inv.settings.wan !== undefined
        ? parseWan(inv.settings.wan, topo.names, 'WAN (.env or the environment)')
        : undefined);
  const wan = asked === undefined || asked === 'off' ? undefined : tableFor(asked, topo.names);
  // --auth: chosen when the sandbox is made, then kept (cluster/auth-mode.ts).
  const auth = authModeOf(inv.args.auth, previous ? (previous.auth ?? 'mtls') : undefined);
  // Edge sites' leaf servers log in to their hubs by certificate; operator mode would need creds there too.
  if (auth === 'jwt' && topo.edges.length)
    throw new UsageError(
      `edge sites (${topo.edges.map((e) => e.name).join(', ')}) run with mTLS only for now: their leafnodes log in by certificate; drop --auth jwt or the edge names`,
    );
  const state: LocalState = {
    version: 1,
    names: [...topo.names],
    replicas: { ...topo.options.replicas },
    ...(topo.edges.length ? { edges: topo.edges.map((e) => ({ name: e.name, hub: e.hub })) } : {}),
    portBase,
    ports,
    ...(wan ? { wan, links: assignLinkPorts(linkNames(topo), portBase, previous?.links ?? {}) } : {}),
    ...(auth === 'jwt' ? { auth } : {}),
  };
  return { topo, state, ...(previous ? { previous } : {}) };
}
