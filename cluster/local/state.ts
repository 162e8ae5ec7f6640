// What the local provider saves under the sandbox directory (plan.json: the names, replicas and
// port assignment a sandbox was made with) and where its files live.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError, UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { log } from '../../core/log.js';
import { DEFAULT_PORT_BASE } from '../../core/settings.js';
import { leafnodeListeners } from '../../nats/edges.js';
import { edgeArg, edgeNameOf, type Topology } from '../../nats/topology.js';
import { websocketListeners } from '../../nats/websocket.js';
import { authModeOf } from '../auth-mode.js';
import type { Invocation } from '../provider.js';
import type { LocalState } from './plan.js';
import { assignPorts, leafnodeKey, websocketKey } from './ports.js';
import { type Rebuilt, rebuildLocalState } from './rebuild-state.js';
import type { ProcessGroup } from './reconciler.js';
import { assignLinkPorts, linkNames, wanFiles, wanSites } from './wan/layout.js';
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
  // --wan changes the sandbox; .env's WAN only shapes a new one; a saved value stays until a flag
  // (for the regions it still has: pairs of regions gone are dropped, new pairs are 0 ms).
  const asked =
    inv.args.wan ??
    (previous
      ? previous.wan
      : inv.settings.wan !== undefined
        ? parseWan(inv.settings.wan, wanSites(topo), 'WAN (.env or the environment)')
        : undefined);
  const wan = asked === undefined || asked === 'off' ? undefined : tableFor(asked, wanSites(topo));
  // --auth: chosen when the sandbox is made (AUTH for a new one), then kept (cluster/auth-mode.ts).
  const auth = authModeOf(inv.args.auth, previous ? (previous.auth ?? 'mtls') : undefined, inv.settings.auth);
  // An edge site keeps its size: one server's JetStream is not clustered, three are; its stream would not follow.
  for (const edge of topo.edges) {
    const was = previous?.edges?.find((e) => e.name === edge.name);
    if (was && (was.servers ?? 1) !== edge.servers.length)
      throw new UsageError(
        `edge site ${edge.name} has ${was.servers ?? 1} server(s); it cannot become ${edge.servers.length} in place (its JetStream would change from standalone to clustered): install without ${edge.name} to remove it (its stream goes with it; the hub keeps what it forwarded), then add ${edgeArg(edgeNameOf(edge))}`,
      );
  }
  const keep = previous?.ports ?? {};
  const ports = assignPorts(
    [
      ...topo.servers.map((s) => s.name),
      ...topo.edges.flatMap((e) => e.servers),
      ...leafnodeListeners(topo).map((s) => leafnodeKey(s.name)),
      // Browsers log in with a user JWT: websockets in operator mode only (nats/websocket.ts).
      ...(auth === 'jwt' ? websocketListeners(topo).map((s) => websocketKey(s.name)) : []),
    ],
    portBase,
    keep,
  );
  const state: LocalState = {
    version: 1,
    names: [...topo.names],
    replicas: { ...topo.options.replicas },
    ...(topo.edges.length ? { edges: topo.edges.map(edgeNameOf) } : {}),
    portBase,
    ports,
    ...(wan ? { wan, links: assignLinkPorts(linkNames(topo), portBase, previous?.links ?? {}) } : {}),
    ...(auth === 'jwt' ? { auth } : {}),
  };
  return { topo, state, ...(previous ? { previous } : {}) };
}
