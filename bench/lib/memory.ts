// Memory of everything a local sandbox runs, by kind, from the pid files the sandbox keeps: resident
// (RSS, each process's pages, shared ones counted in every process) and proportional (PSS, shared
// pages split among the processes sharing them: what the machine spends on the sandbox).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenByParent, pssKiB, rssKiB, withDescendants } from './proc.js';

/** MiB by kind of process, and their sum. */
export interface SandboxMemory {
  servers: number;
  services: number;
  mysql: number;
  wan: number;
  total: number;
}

export interface SandboxMemoryReading {
  rss: SandboxMemory;
  pss: SandboxMemory;
}

const readPid = (file: string) => Number(readFileSync(file, 'utf8').trim());

function pidsUnder(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => join(dir, n, 'pid'))
    .filter(existsSync)
    .map(readPid)
    .filter((p) => p > 0);
}

/** The sandbox's nats-servers, service hosts, MariaDB and WAN router, each with the processes it started. */
export function sandboxMemory(sandboxDir: string): SandboxMemoryReading {
  const local = join(sandboxDir, 'local');
  const children = childrenByParent();
  const mysqlPid = join(local, 'mysql', 'pid');
  const kinds = {
    servers: pidsUnder(join(local, 'servers')),
    services: pidsUnder(join(local, 'services')),
    mysql: existsSync(mysqlPid) ? [readPid(mysqlPid)] : [],
    wan: pidsUnder(join(local, 'wan')),
  };
  const measure = (kib: (pid: number) => number): SandboxMemory => {
    const sum = (pids: number[]) => pids.flatMap((p) => withDescendants(p, children)).reduce((a, p) => a + kib(p), 0) / 1024;
    const m = { servers: sum(kinds.servers), services: sum(kinds.services), mysql: sum(kinds.mysql), wan: sum(kinds.wan) };
    return { ...m, total: m.servers + m.services + m.mysql + m.wan };
  };
  return { rss: measure(rssKiB), pss: measure(pssKiB) };
}
