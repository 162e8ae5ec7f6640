// Files of the local provider under the sandbox directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../nats/topology.js';
import type { PortMap } from './ports.js';

export interface LocalState {
  version: 1;
  names: string[];
  replicas: Record<Role, number>;
  portBase: number;
  ports: PortMap;
}

export function localPaths(sandboxDir: string) {
  const servers = join(sandboxDir, 'local', 'servers');
  return {
    root: sandboxDir,
    plan: join(sandboxDir, 'plan.json'),
    servers,
    serverDir: (name: string) => join(servers, name),
    conf: (name: string) => join(servers, name, 'nats-server.conf'),
    pid: (name: string) => join(servers, name, 'pid'),
    log: (name: string) => join(servers, name, 'server.log'),
    store: (name: string) => join(servers, name, 'jetstream'),
  };
}

export function readLocalState(sandboxDir: string): LocalState | undefined {
  const file = localPaths(sandboxDir).plan;
  if (!existsSync(file)) return undefined;
  try {
    const plan = JSON.parse(readFileSync(file, 'utf8')) as LocalState;
    if (plan.version !== 1 || !Array.isArray(plan.names)) throw new Error('unknown format');
    return plan;
  } catch (e) {
    throw new Error(`${file} cannot be read (${(e as Error).message}); run delete to start over`);
  }
}

export function writeLocalState(sandboxDir: string, plan: LocalState): void {
  mkdirSync(sandboxDir, { recursive: true });
  writeFileSync(localPaths(sandboxDir).plan, `${JSON.stringify(plan, null, 2)}\n`);
}
