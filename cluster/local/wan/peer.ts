// Which server dialed a link. On loopback every connection comes from 127.0.0.1, so the address
// says nothing; the dialing socket does: its local port is the accepted connection's remote port,
// and the process holding that socket is one of the sandbox's servers (their pid files say which).
// Linux: /proc (sockets.ts). Elsewhere (macOS): lsof.
//
// The kernel's socket table is large (every route and gateway of 36 servers, pooled) and reading
// it is the router's main cost: connections that arrive together share one read, done without
// blocking the router, so forwarding goes on meanwhile (a blocked router let TLS handshakes time
// out, and their retries came in faster than it could look them up).
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { probe } from '../../../core/command.js';

/** `local>remote` port pair -> socket inode, for the rows of /proc/net/tcp whose remote port is one of `remotePorts`. Pure. */
export function socketsTo(procNetTcp: string, remotePorts: ReadonlySet<number>): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of procNetTcp.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length <= 9) continue;
    const remote = Number.parseInt(cols[2]?.split(':')[1] ?? '', 16);
    if (!remotePorts.has(remote)) continue;
    const local = Number.parseInt(cols[1]?.split(':')[1] ?? '', 16);
    out.set(`${local}>${remote}`, cols[9]!);
  }
  return out;
}

async function socketInodesOf(pid: number): Promise<string[]> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.flatMap((l) => {
    const m = /^socket:\[(\d+)\]$/.exec(l);
    return m ? [m[1]!] : [];
  });
}

interface Pending {
  dialerPort: number;
  linkPort: number;
  resolve: (server: string | undefined) => void;
}

export class PeerFinder {
  /** socket inode -> server name, filled in when an inode is not in it. */
  private sockets = new Map<string, string>();
  private readonly linux = existsSync('/proc/net/tcp');
  private waiting: Pending[] = [];
  private busy = false;

  constructor(
    private readonly serversDir: string,
    private readonly names: readonly string[],
  ) {}

  // The pid file alone, not the reconciler's ourPid: a socket the process holds proves it runs, and
  // the tests play a server with their own process, whose command line names no config.
  private async pidOf(name: string): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(join(this.serversDir, name, 'pid'), 'utf8')).trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private async rescan(): Promise<void> {
    const found = await Promise.all(
      this.names.map(async (name) => {
        const pid = await this.pidOf(name);
        return { name, inodes: pid ? await socketInodesOf(pid) : [] };
      }),
    );
    this.sockets.clear();
    for (const { name, inodes } of found) for (const inode of inodes) this.sockets.set(inode, name);
  }

  /** The server whose socket dialed `linkPort` from `dialerPort`, if it is one of ours. */
  find(dialerPort: number, linkPort: number): Promise<string | undefined> {
    if (!this.linux) return this.findWithLsof(dialerPort);
    return new Promise((resolve) => {
      this.waiting.push({ dialerPort, linkPort, resolve });
      if (!this.busy) void this.lookUp();
    });
  }

  /** Answers everything waiting with one read of the socket table (and at most one rescan). */
  private async lookUp(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting;
        this.waiting = [];
        const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
        const rows = socketsTo(table, new Set(batch.map((p) => p.linkPort)));
        const inodes = batch.map((p) => rows.get(`${p.dialerPort}>${p.linkPort}`));
        if (inodes.some((i) => i && i !== '0' && !this.sockets.has(i))) await this.rescan();
        batch.forEach((p, k) => {
          const inode = inodes[k];
          p.resolve(inode && inode !== '0' ? this.sockets.get(inode) : undefined);
        });
      }
    } finally {
      this.busy = false;
    }
  }

  private async findWithLsof(dialerPort: number): Promise<string | undefined> {
    const out = probe(['lsof', '-nP', `-iTCP@127.0.0.1:${dialerPort}`, '-sTCP:ESTABLISHED', '-Fp']) ?? '';
    const pids = [...out.matchAll(/^p(\d+)$/gm)].map((m) => Number(m[1])).filter((p) => p !== process.pid);
    for (const n of this.names) if (pids.includes((await this.pidOf(n)) ?? -1)) return n;
    return undefined;
  }
}
