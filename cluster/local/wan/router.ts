// The WAN router: one process that listens on every link of the layout (layout.ts), forwards each
// connection to a server behind it, and holds every byte for half the round trip between the
// dialer's region and the server's, each way. Cut pairs (partitions) lose their connections and
// refuse new ones. Delays and cuts come from the links file, re-read on SIGHUP; the router writes
// the generation it applied, so a command knows when a change is in force.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { Backend, Listener, RouterConfig } from './layout.js';
import { PeerFinder } from './peer.js';
import { type LinkSettings, pairKey, rttOf } from './spec.js';

/** Past this many bytes held in a direction, the sender is paused until the queue drains. */
const HIGH_WATER = 4 * 1024 * 1024;
const TIMER_LATENESS_MS = 1;

/**
 * One direction of a connection: bytes leave `delayMs()` after they arrived, in order (a delay
 * that shrinks mid-stream never lets later bytes overtake earlier ones).
 */
export function delayedPipe(from: Socket, to: Socket, delayMs: () => number): void {
  const queue: { at: number; chunk: Buffer }[] = [];
  let held = 0;
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;
  // Timers fire about a millisecond late: aim that much early, and send what is due by then.
  const arm = () => setTimeout(flush, Math.max(0, queue[0]!.at - performance.now() - TIMER_LATENESS_MS));
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0]!.at <= now + TIMER_LATENESS_MS) {
      const { chunk } = queue.shift()!;
      held -= chunk.length;
      to.write(chunk);
    }
    if (held < HIGH_WATER && from.isPaused() && to.writableLength < HIGH_WATER) from.resume();
    if (queue.length) timer = arm();
  };
  from.on('data', (chunk: Buffer) => {
    const d = delayMs();
    if (d <= 0 && !queue.length) {
      if (!to.write(chunk)) from.pause();
      return;
    }
    lastAt = Math.max(performance.now() + d, lastAt);
    queue.push({ at: lastAt, chunk });
    held += chunk.length;
    if (held >= HIGH_WATER) from.pause();
    timer ??= arm();
  });
  to.on('drain', () => {
    if (held < HIGH_WATER && from.isPaused()) from.resume();
  });
  from.on('end', () => {
    // Half-close only after what is held has left.
    const finish = () => (queue.length ? setTimeout(finish, queue[queue.length - 1]!.at - performance.now() + 1) : to.end());
    finish();
  });
  const stop = () => {
    if (timer) clearTimeout(timer);
    queue.length = 0;
  };
  from.on('close', stop);
  to.on('close', stop);
}

interface Link {
  listener: string;
  from: string | undefined;
  to: string;
  client: Socket;
  upstream: Socket;
}

export interface Router {
  apply(settings: LinkSettings): void;
  /** Open connections per pair ("a~b"), and those whose dialer was not recognised. */
  connections(): Record<string, number>;
  close(): Promise<void>;
}

function shuffled<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Backends in the order to try: the dialer's datacenter first when the link prefers it. */
export function backendOrder(listener: Listener, fromDatacenter: string | undefined): Backend[] {
  const all = shuffled(listener.backends);
  if (listener.prefer !== 'same-datacenter' || !fromDatacenter) return all;
  return [...all.filter((b) => b.datacenter === fromDatacenter), ...all.filter((b) => b.datacenter !== fromDatacenter)];
}

export async function startRouter(config: RouterConfig, initial: LinkSettings, say: (line: string) => void = () => {}): Promise<Router> {
  let settings = initial;
  let cutPairs = new Set(initial.cut);
  const open = new Set<Link>();
  const peers = new PeerFinder(config.serversDir, Object.keys(config.datacenters));

  const isCut = (a: string | undefined, b: string) => a !== undefined && a !== b && cutPairs.has(pairKey(a, b));

  const forward = async (listener: Listener, client: Socket) => {
    client.pause();
    client.setNoDelay(true);
    // A dialer that gives up while it waits must not take the router down with an unhandled error.
    client.on('error', () => client.destroy());
    const server = client.remotePort ? await peers.find(client.remotePort, listener.port) : undefined;
    if (client.destroyed) return;
    const from = server ? config.datacenters[server] : undefined;
    if (!from) say(`${listener.name}: a dialer that is none of the sandbox's servers (port ${client.remotePort}): no delay, no cut`);
    const candidates = backendOrder(listener, from).filter((b) => !isCut(from, b.datacenter));
    if (!candidates.length) {
      client.destroy();
      return;
    }
    const tryNext = (i: number) => {
      const b = candidates[i];
      if (!b) {
        client.destroy();
        return;
      }
      const upstream = tcpConnect({ host: '127.0.0.1', port: b.port, noDelay: true });
      // Refused (that server is down): the next one, as an ingress would.
      const refused = () => tryNext(i + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        if (client.destroyed || isCut(from, b.datacenter)) {
          upstream.destroy();
          client.destroy();
          return;
        }
        const link: Link = { listener: listener.name, from, to: b.datacenter, client, upstream };
        open.add(link);
        const oneWay = () => (from ? rttOf(settings.rttMs, from, b.datacenter) / 2 : 0);
        delayedPipe(client, upstream, oneWay);
        delayedPipe(upstream, client, oneWay);
        const end = () => {
          open.delete(link);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
        client.resume();
      });
    };
    tryNext(0);
  };

  const servers: Server[] = await Promise.all(
    config.listeners.map(
      (l) =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer({ noDelay: true, pauseOnConnect: true }, (c) => void forward(l, c));
          s.once('error', (e) => reject(new Error(`link ${l.name} cannot listen on 127.0.0.1:${l.port}: ${e.message}`)));
          s.listen(l.port, '127.0.0.1', () => resolve(s));
        }),
    ),
  );

  const router: Router = {
    apply(next) {
      settings = next;
      cutPairs = new Set(next.cut);
      let dropped = 0;
      for (const link of open) {
        if (isCut(link.from, link.to)) {
          open.delete(link);
          link.client.destroy();
          link.upstream.destroy();
          dropped++;
        }
      }
      say(
        `generation ${next.generation}: rtt ${JSON.stringify(next.rttMs)}, cut [${next.cut.join(', ')}]${dropped ? `, dropped ${dropped} connection(s)` : ''}`,
      );
    },
    connections() {
      const out: Record<string, number> = {};
      for (const l of open) {
        const key = l.from ? (l.from === l.to ? l.from : pairKey(l.from, l.to)) : 'unknown';
        out[key] = (out[key] ?? 0) + 1;
      }
      return out;
    },
    async close() {
      for (const l of open) {
        l.client.destroy();
        l.upstream.destroy();
      }
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
  router.apply(initial);
  return router;
}

export function readLinkSettings(file: string): LinkSettings {
  return JSON.parse(readFileSync(file, 'utf8')) as LinkSettings;
}

/** Written whole or not at all. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The process: `node router.cjs <router.json>`. */
export async function routerMain(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as RouterConfig;
  const say = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const load = () => readLinkSettings(config.linksFile);
  const first = load();
  const router = await startRouter(config, first, say);
  const applied = (s: LinkSettings) => writeJsonAtomic(config.appliedFile, { generation: s.generation, pid: process.pid });
  applied(first);
  say(`listening on ${config.listeners.length} links`);
  process.on('SIGHUP', () => {
    try {
      const next = load();
      router.apply(next);
      applied(next);
    } catch (e) {
      say(`cannot apply ${config.linksFile}: ${(e as Error).message}`);
    }
  });
  const stop = () => void router.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
