// Is a loopback port free, and if not, which process holds it (Linux: /proc; elsewhere: unknown).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { pidHolding, tcpSockets } from './sockets.js';

function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export interface PortHolder {
  pid: number;
  command: string;
}

/** Best effort: the process listening on `port`, when this OS lets us see it. */
function whoHolds(port: number): PortHolder | undefined {
  const inode = tcpSockets().find((s) => s.localPort === port && s.state === '0A')?.inode;
  if (!inode || inode === '0') return undefined;
  const pid = pidHolding(inode);
  if (!pid) return undefined;
  try {
    return { pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') };
  } catch {
    return undefined; // gone meanwhile
  }
}

export interface BusyPort {
  port: number;
  owner: string;
  holder?: PortHolder;
}

/** Ports (from `ports`, each tagged with who needs it) that cannot be bound now. */
export async function findBusyPorts(ports: { port: number; owner: string }[]): Promise<BusyPort[]> {
  const busy: BusyPort[] = [];
  // A handful at a time keeps this quick without opening hundreds of sockets at once.
  for (let i = 0; i < ports.length; i += 32) {
    const chunk = ports.slice(i, i + 32);
    const free = await Promise.all(chunk.map((p) => isPortFree(p.port)));
    chunk.forEach((p, j) => {
      if (!free[j]) {
        const holder = whoHolds(p.port);
        busy.push({ ...p, ...(holder ? { holder } : {}) });
      }
    });
  }
  return busy;
}

/** The kernel's range for the local ends of outgoing connections (Linux), if known. */
function ephemeralRange(): [number, number] | undefined {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return lo && hi ? [lo, hi] : undefined;
  } catch {
    return undefined;
  }
}

export function describeBusyPorts(busy: BusyPort[]): string {
  const range = ephemeralRange();
  const lines = busy.slice(0, 10).map((b) => {
    const ephemeral = range && b.port >= range[0] && b.port <= range[1];
    const who = b.holder
      ? `held by pid ${b.holder.pid} (${b.holder.command.slice(0, 120)})`
      : ephemeral
        ? `in use, not by a listener: likely the local end of an outgoing connection (the kernel hands out ${range[0]}-${range[1]} for those; pick a LOCAL_PORT_BASE below ${range[0]})`
        : 'held by another process';
    return `  - port ${b.port} (${b.owner}) is ${who}`;
  });
  if (busy.length > 10) lines.push(`  - and ${busy.length - 10} more`);
  return `${busy.length} port(s) the local supercluster needs are in use:\n${lines.join('\n')}\nfix: stop that process, or choose other ports with LOCAL_PORT_BASE in .env (e.g. LOCAL_PORT_BASE=24222)`;
}
