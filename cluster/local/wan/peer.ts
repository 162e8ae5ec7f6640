// Which server dialed a link. On loopback every connection comes from 127.0.0.1, so the address
// says nothing; the dialing socket does: its local port is the accepted connection's remote port,
// and the process holding that socket is one of the sandbox's servers (their pid files say which).
// Linux: /proc (sockets.ts). Elsewhere (macOS): lsof.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { socketInodes, tcpSockets } from '../sockets.js';

export class PeerFinder {
  /** socket inode -> server name, rebuilt when an inode is not in it. */
  private sockets = new Map<string, string>();
  private readonly linux = existsSync('/proc/net/tcp');

  constructor(
    private readonly serversDir: string,
    private readonly names: readonly string[],
  ) {}

  // The pid file alone, not the reconciler's ourPid: a socket the process holds proves it runs, and
  // the tests play a server with their own process, whose command line names no config.
  private pidOf(name: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.serversDir, name, 'pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private rescan(): void {
    this.sockets.clear();
    for (const name of this.names) {
      const pid = this.pidOf(name);
      if (pid) for (const inode of socketInodes(pid)) this.sockets.set(inode, name);
    }
  }

  /** The server whose socket dialed `linkPort` from `dialerPort`, if it is one of ours. */
  find(dialerPort: number, linkPort: number): string | undefined {
    if (!this.linux) return this.findWithLsof(dialerPort);
    const inode = tcpSockets().find((s) => s.localPort === dialerPort && s.remotePort === linkPort)?.inode;
    if (!inode || inode === '0') return undefined;
    if (!this.sockets.has(inode)) this.rescan();
    return this.sockets.get(inode);
  }

  private findWithLsof(dialerPort: number): string | undefined {
    try {
      const out = execFileSync('lsof', ['-nP', `-iTCP@127.0.0.1:${dialerPort}`, '-sTCP:ESTABLISHED', '-Fp'], { encoding: 'utf8' });
      const pids = [...out.matchAll(/^p(\d+)$/gm)].map((m) => Number(m[1])).filter((p) => p !== process.pid);
      return this.names.find((n) => pids.includes(this.pidOf(n) ?? -1));
    } catch {
      return undefined;
    }
  }
}
