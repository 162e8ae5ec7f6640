// The plan of a sandbox whose plan.json is garbled or gone while its servers are there: rebuilt
// from the servers' own configs (names, ports) and the WAN layer's files (delays, link ports),
// which hold everything the plan held. Deleting the sandbox to get out would lose its streams and
// its database; this loses nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTopology, ROLES, type Role } from '../../nats/topology.js';
import type { LocalState } from './plan.js';
import type { PortMap } from './ports.js';
import type { RouterConfig } from './wan/layout.js';
import { readLinkSettings } from './wan/router.js';

/** server_name suffix of each role (nats/topology.ts serverName), longest first. */
const ROLE_SUFFIX: [string, Role][] = [
  ['xr-js-nats', 'xr'],
  ['js-nats', 'js'],
  ['gw-nats', 'gw'],
  ['nats', 'seed'],
];

/** A server's name and ports as its config says them. Pure. */
export function configFacts(conf: string): { name: string; ports: PortMap[string] } | undefined {
  const name = /^server_name: "([^"]+)"/m.exec(conf)?.[1];
  const client = /^port: (\d+)/m.exec(conf)?.[1];
  const monitor = /^http_port: (\d+)/m.exec(conf)?.[1];
  const cluster = /^cluster: \{[^}]*?listen: "[^"]*:(\d+)"/m.exec(conf)?.[1];
  const gateway = /^gateway: \{[^}]*?listen: "[^"]*:(\d+)"/m.exec(conf)?.[1];
  if (!name || !client || !monitor || !cluster || !gateway) return undefined;
  return { name, ports: { client: Number(client), cluster: Number(cluster), gateway: Number(gateway), monitor: Number(monitor) } };
}

/** The region, role and index a server name stands for. Pure. */
export function nameFacts(name: string): { region: string; role: Role; index: number } | undefined {
  for (const [suffix, role] of ROLE_SUFFIX) {
    const m = new RegExp(`^(.+?)-${suffix}-(\\d+)$`).exec(name);
    if (m) return { region: m[1]!, role, index: Number(m[2]) };
  }
  return undefined;
}

export type Rebuilt = { state: LocalState } | { why: string };

/**
 * The plan the servers' configs describe. Pure over its inputs: the config text of each server
 * folder, and the WAN layer's router config and links file when there are.
 */
export function planFromConfigs(confs: readonly string[], wan?: { router: RouterConfig; rttMs: LocalState['wan'] }): Rebuilt {
  const servers = confs.map(configFacts);
  if (!servers.length) return { why: 'no server config is left to rebuild it from' };
  if (servers.some((s) => !s)) return { why: 'a server config does not name its server and ports' };
  const found = servers as { name: string; ports: PortMap[string] }[];
  const facts = found.map((s) => ({ ...s, ...nameFacts(s.name) }));
  const odd = facts.find((f) => f.region === undefined);
  if (odd) return { why: `${odd.name} is no server name of the sandbox` };
  // Regions in the order their ports were handed out (the first region's servers come first).
  const firstPort = new Map<string, number>();
  for (const f of facts) firstPort.set(f.region!, Math.min(firstPort.get(f.region!) ?? Infinity, f.ports.client));
  const names = [...firstPort.keys()].sort((a, b) => firstPort.get(a)! - firstPort.get(b)!);
  const replicas = Object.fromEntries(
    ROLES.map((r) => [r, Math.max(0, ...facts.filter((f) => f.role === r).map((f) => f.index! + 1))]),
  ) as Record<Role, number>;
  const want = buildTopology(names, { replicas })
    .servers.map((s) => s.name)
    .sort();
  const have = found.map((s) => s.name).sort();
  if (want.join() !== have.join()) {
    const missing = want.filter((n) => !have.includes(n));
    return { why: `the configs do not make a whole topology of ${names.join(', ')} (no config for ${missing.slice(0, 3).join(', ')})` };
  }
  const ports = Object.fromEntries(found.map((s) => [s.name, s.ports]));
  const state: LocalState = {
    version: 1,
    names,
    replicas,
    portBase: Math.min(...found.map((s) => s.ports.client)),
    ports,
    ...(wan ? { wan: wan.rttMs, links: Object.fromEntries(wan.router.listeners.map((l) => [l.name, l.port])) } : {}),
    // Operator mode: servers that trust an operator (a plan rebuilt as mTLS would turn them back).
    ...(confs.every((c) => /^operator: /m.test(c)) ? { auth: 'jwt' as const } : {}),
  };
  return { state };
}

/** The plan rebuilt from the servers' folders and the WAN layer's files (see planFromConfigs). */
export function rebuildLocalState(paths: { servers: string; wanConfig: string; wanLinks: string }): Rebuilt {
  if (!existsSync(paths.servers)) return { why: 'no server of the sandbox is left to rebuild it from' };
  const confs = readdirSync(paths.servers)
    .map((n) => join(paths.servers, n, 'nats-server.conf'))
    .filter(existsSync)
    .map((f) => readFileSync(f, 'utf8'));
  let wan: { router: RouterConfig; rttMs: LocalState['wan'] } | undefined;
  if (existsSync(paths.wanConfig) && existsSync(paths.wanLinks)) {
    try {
      wan = { router: JSON.parse(readFileSync(paths.wanConfig, 'utf8')) as RouterConfig, rttMs: readLinkSettings(paths.wanLinks).rttMs };
    } catch (e) {
      return { why: `the WAN layer's files cannot be read either (${(e as Error).message})` };
    }
  }
  return planFromConfigs(confs, wan);
}
