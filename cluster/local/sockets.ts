// The kernel's view of TCP sockets (Linux /proc): which sockets exist and which process holds one.
// Used to name the process behind a busy port (port-check.ts) and the server behind a connection
// to a WAN link (wan/peer.ts). Elsewhere these return nothing and callers fall back.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface TcpSocket {
  localPort: number;
  remotePort: number;
  /** 0A: listening, 01: established. */
  state: string;
  inode: string;
}

/** Rows of /proc/net/tcp or tcp6 (header skipped). Pure. */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const port = (addr: string | undefined) => Number.parseInt(addr?.split(':')[1] ?? '', 16);
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length > 9)
    .map((cols) => ({ localPort: port(cols[1]), remotePort: port(cols[2]), state: cols[3]!, inode: cols[9]! }));
}

/** Every TCP socket of this network namespace; none where there is no /proc. */
export function tcpSockets(): TcpSocket[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
    try {
      return parseProcNetTcp(readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
  });
}

/** Inodes of the sockets `pid` holds open (empty when it is gone or not ours to read). */
export function socketInodes(pid: number | string): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      return m ? [m[1]!] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

/** The process among `pids` (default: every process) that holds socket `inode`. */
export function pidHolding(inode: string, pids?: readonly number[]): number | undefined {
  let candidates = pids;
  if (!candidates) {
    try {
      candidates = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .map(Number);
    } catch {
      return undefined;
    }
  }
  return candidates.find((pid) => socketInodes(pid).includes(inode));
}
