// Resident memory of everything a local sandbox runs, by kind, from the pid files the sandbox keeps.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenByParent, rssKiB, withDescendants } from './proc.js';

export interface SandboxMemory {
  servers: number;
  services: number;
  mysql: number;
  wan: number;
  total: number;
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

/** MiB resident: nats-servers, service hosts, MariaDB, the WAN router (each with the processes it started), and their sum. */
export function sandboxRssMiB(sandboxDir: string): SandboxMemory {
  const local = join(sandboxDir, 'local');
  const children = childrenByParent();
  const sum = (pids: number[]) => pids.flatMap((p) => withDescendants(p, children)).reduce((a, p) => a + rssKiB(p), 0) / 1024;
  const mysqlPid = join(local, 'mysql', 'pid');
  const servers = sum(pidsUnder(join(local, 'servers')));
  const services = sum(pidsUnder(join(local, 'services')));
  const mysql = existsSync(mysqlPid) ? sum([readPid(mysqlPid)]) : 0;
  const wan = sum(pidsUnder(join(local, 'wan')));
  return { servers, services, mysql, wan, total: servers + services + mysql + wan };
}
