// The local provider's supercluster: one nats-server process per server of the model, on
// loopback, with the addresses, configs and client connections that go with it.
import type { ConnectionOptions } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import type { Identity } from '../../nats/accounts.js';
import { LOOPBACK, localAddressing } from '../../nats/addressing.js';
import { toNatsConf } from '../../nats/conf.js';
import { edgeServerConfig, hubLeafnodes, leafnodeListeners, leafnodeTargets } from '../../nats/edges.js';
import type { JwtServerAuth } from '../../nats/jwt-auth.js';
import { type ClientEnv, clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { monitorAnswers, observeAnswers } from '../../nats/live/observe.js';
import { liveServers, type MonitorAnswers } from '../../nats/monitoring.js';
import { type Credentials, type JetStreamLimits, type ServerTls, type StretchedRoutes, serverConfig } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { LiveServer } from '../../nats/verify.js';
import { websocketConfig } from '../../nats/websocket.js';
import { describeBusyPorts, findBusyPorts } from './port-check.js';
import { allPorts, isListenerKey, leafnodeKey, type PortMap, websocketKey } from './ports.js';
import type { DesiredProcess } from './reconciler.js';
import { type LocalState, localPaths } from './state.js';
import { leafnodeDialPort, linkedAddressing } from './wan/layout.js';

/** Operator mode as the configs need it: the operator's trust, and the edge sites' leafnode users. */
export interface LocalJwt {
  server: JwtServerAuth;
  /** The application account's public key. */
  appAccount: string;
  /** Edge site -> the creds file its leafnode remotes log in with. */
  leafnodeCreds: Record<string, string>;
}

export function renderLocalConfigs(
  topo: Topology,
  ports: PortMap,
  credentials: Credentials,
  sandboxDir: string,
  jsLimits?: JetStreamLimits,
  tls?: ServerTls,
  links?: Record<string, number>,
  stretchedRoutes?: StretchedRoutes,
  jwt?: LocalJwt,
): Map<string, string> {
  const paths = localPaths(sandboxDir);
  const direct = localAddressing(topo, (name) => {
    const p = ports[name];
    if (!p) throw new Error(`no ports planned for ${name}`);
    return p;
  });
  // With the WAN layer, every address that crosses regions leads through a link (wan/layout.ts).
  const addressing = links ? linkedAddressing(direct, links) : direct;
  const out = new Map<string, string>();
  const header = (name: string) => `${name}: written by the NATS supercluster sandbox (local provider); edits are overwritten`;
  const listeners = new Set(leafnodeListeners(topo).map((s) => s.name));
  const leafPort = (name: string) => ports[leafnodeKey(name)]?.client;
  for (const server of topo.servers) {
    const port = listeners.has(server.name) ? leafPort(server.name) : undefined;
    // Planned in operator mode only (state.ts), where a browser can log in (nats/websocket.ts).
    const wsPort = ports[websocketKey(server.name)]?.client;
    if (wsPort !== undefined && !tls) throw new Error('websockets need the sandbox PKI (stage 02)');
    const config = serverConfig({
      topo,
      server,
      addressing,
      credentials,
      ...(server.jetstream ? { storeDir: paths.store(server.name) } : {}),
      ...(jsLimits ? { jsLimits } : {}),
      ...(tls ? { tls } : {}),
      ...(stretchedRoutes ? { stretchedRoutes } : {}),
      ...(port !== undefined
        ? {
            leafnodes: hubLeafnodes(`${LOOPBACK}:${port}`, tls, {
              advertise: links ? `${LOOPBACK}:${leafnodeDialPort(server.name, ports, links)}` : undefined,
              operatorMode: !!jwt,
            }),
          }
        : {}),
      ...(jwt ? { jwt: { auth: jwt.server, resolverDir: paths.resolver(server.name) } } : {}),
      ...(wsPort !== undefined && tls ? { websocket: websocketConfig(LOOPBACK, wsPort, tls) } : {}),
    });
    out.set(server.name, toNatsConf(config, header(server.name)));
  }
  for (const edge of topo.edges) {
    if (!tls) throw new Error('edge sites need the sandbox PKI (stage 02)');
    // Through the WAN layer when it is on: the edge's link to each region is delayed and cut there.
    const remoteUrls = leafnodeTargets(topo, edge).map((s) => `tls://${LOOPBACK}:${leafnodeDialPort(s.name, ports, links)}`);
    const leafnodeCreds = jwt?.leafnodeCreds[edge.name];
    if (jwt && !leafnodeCreds) throw new Error(`no leafnode creds for edge site ${edge.name}`);
    for (const name of edge.servers) {
      const p = ports[name];
      if (!p) throw new Error(`no ports planned for ${name}`);
      const config = edgeServerConfig({
        topo,
        edge,
        name,
        host: LOOPBACK,
        ports: p,
        remoteUrls,
        ...(edge.servers.length > 1
          ? {
              cluster: {
                listen: `${LOOPBACK}:${p.cluster}`,
                routes: edge.servers.filter((o) => o !== name).map((o) => `nats://${LOOPBACK}:${ports[o]!.cluster}`),
              },
            }
          : {}),
        credentials,
        tls,
        storeDir: paths.store(name),
        ...(jsLimits ? { jsLimits } : {}),
        ...(jwt && leafnodeCreds
          ? { jwt: { auth: jwt.server, resolverDir: paths.resolver(name), appAccount: jwt.appAccount, leafnodeCreds } }
          : {}),
      });
      out.set(name, toNatsConf(config, header(name)));
    }
  }
  return out;
}

const CONFIG_FILE = 'nats-server.conf';

/** One nats-server process per config; its config path is what proves a pid is ours. */
export function serverProcesses(sandboxDir: string, bin: string, configs: Map<string, string>): DesiredProcess[] {
  const paths = localPaths(sandboxDir);
  return [...configs].map(([name, text]) => ({
    name,
    command: bin,
    args: ['-c', paths.conf(name)],
    files: { [CONFIG_FILE]: text },
    marker: paths.conf(name),
  }));
}

/** Ports that servers about to start need, minus those our own running servers hold now. */
export async function checkPorts(
  state: LocalState,
  previous: LocalState | undefined,
  toStart: string[],
  runningNow: string[],
): Promise<void> {
  // A server's listener slots (c1-nats-0/websocket) hold a port of its too: its `client`.
  const listenersOf = (ports: PortMap, name: string) =>
    Object.entries(ports).filter(([k]) => k.startsWith(`${name}/`)) as [string, PortMap[string]][];
  const ours = new Set(
    runningNow.flatMap((n) => [
      ...(previous?.ports[n] ? allPorts({ [n]: previous.ports[n]! }) : []),
      ...(previous ? listenersOf(previous.ports, n).map(([, p]) => p.client) : []),
    ]),
  );
  const needed = toStart.flatMap((name) => {
    const p = state.ports[name]!;
    return [
      { port: p.client, owner: `${name} client` },
      { port: p.cluster, owner: `${name} cluster` },
      { port: p.gateway, owner: `${name} gateway` },
      { port: p.monitor, owner: `${name} monitor` },
      ...listenersOf(state.ports, name).map(([k, l]) => ({ port: l.client, owner: `${name} ${k.slice(name.length + 1)}` })),
    ].filter((x) => !ours.has(x.port));
  });
  const busy = await findBusyPorts(needed);
  if (busy.length) throw new SandboxError(describeBusyPorts(busy));
}

function clientUrls(state: LocalState, names?: string[]): string[] {
  return Object.entries(state.ports)
    .filter(([n]) => !isListenerKey(n) && (!names || names.includes(n)))
    .map(([, p]) => `nats://127.0.0.1:${p.client}`);
}

/**
 * Client URLs of a datacenter's seed ("computing") servers: where that region's services and
 * requesters connect, so NATS keeps their traffic in the region when it can.
 */
export function regionClientUrls(topo: Topology, state: LocalState, datacenter: string): string[] {
  // An edge site's clients connect to its own servers.
  const edge = topo.edges.find((e) => e.name === datacenter);
  if (edge) return edge.servers.map((n) => `nats://127.0.0.1:${state.ports[n]!.client}`);
  return topo.servers
    .filter((s) => s.datacenter === datacenter && s.role === 'seed')
    .map((s) => `nats://127.0.0.1:${state.ports[s.name]!.client}`);
}

/** Environment for a local client process of `identity` in `datacenter` (see nats/live/client.ts). */
export function localClientEnv(
  topo: Topology,
  state: LocalState,
  credentials: Credentials,
  identity: Identity,
  datacenter: string,
): ClientEnv {
  return clientEnvFor(credentials, identity, regionClientUrls(topo, state, datacenter));
}

/** The system user's connection to any server of the topology. */
export function systemConnection(topo: Topology, state: LocalState, credentials: Credentials): ConnectionOptions {
  return connectionFromEnv(
    clientEnvFor(
      credentials,
      'sys',
      clientUrls(
        state,
        topo.servers.map((s) => s.name),
      ),
    ),
  );
}

/**
 * Every server as the system account sees it; a server it did not reach is asked on its own
 * monitoring port, in parallel and within a second, so one hung server (kill -STOP: its routes
 * and gateways swallow what passes through it) is the only one missing, not the healthy servers
 * behind it.
 */
export async function observeLocal(topo: Topology, state: LocalState, credentials: Credentials, waitMs = 2000): Promise<LiveServer[]> {
  const answers = await observeAnswers({
    connection: systemConnection(topo, state, credentials),
    expectedServers: topo.servers.length,
    waitMs,
  });
  const seen = new Set(answers.map((a) => a.varz.server_name));
  const unseen = topo.servers.filter((s) => !seen.has(s.name) && state.ports[s.name]);
  const direct = await Promise.all(
    unseen.map((s) => monitorAnswers(`http://127.0.0.1:${state.ports[s.name]!.monitor}`, s.jetstream, Math.min(waitMs, 1000))),
  );
  return liveServers([...answers, ...direct.filter((a): a is MonitorAnswers => a !== undefined)]);
}
