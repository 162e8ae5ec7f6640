// The topology page server (hono on node): the page, its two assets and the event stream, all
// read-only GETs; anything else is 404. Frames carry names and states only, never credentials.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { UsageError } from '../core/errors.js';
import { checkBind } from './bind.js';
import type { LiveFeed } from './feed.js';

const ASSETS = new URL('./assets/', import.meta.url);

/** Path -> file under ui/assets and its content type: the whole of what the server serves besides /events. */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/assets/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
};

const HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Pages open at once (each event stream costs a frame every half second); more get 503. */
export const MAX_EVENT_STREAMS = 16;

interface UiServerOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  /** Further names the page is reached by (a DNS name of this machine), with --allow-remote. */
  hostNames?: readonly string[];
  feed: LiveFeed;
  maxStreams?: number;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/** `allowedHosts` gives the Host headers to answer. */
function uiApp(feed: LiveFeed, allowedHosts: () => Set<string>, maxStreams: number): Hono {
  const app = new Hono();
  // The server answers only to its own names: a web page elsewhere cannot rebind DNS to read it.
  app.use('*', async (c, next) => {
    if (!allowedHosts().has((c.req.header('host') ?? '').toLowerCase())) return c.text('not found', 404);
    await next();
  });
  let streams = 0;
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(new URL(file, ASSETS), 'utf8');
    app.get(path, (c) => c.body(body, 200, { ...HEADERS, 'Content-Type': type }));
  }
  app.get('/events', (c) => {
    if (streams >= maxStreams) return c.text(`${maxStreams} pages are open already: close one`, 503, { ...HEADERS, 'Retry-After': '5' });
    streams++;
    for (const [k, v] of Object.entries(HEADERS)) c.header(k, v);
    return streamSSE(c, async (stream) => {
      let id = 0;
      const unsubscribe = feed.subscribe((json) => {
        void stream.writeSSE({ event: 'observation', data: json, id: String(++id) }).catch(() => undefined);
      });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      unsubscribe();
      streams--;
    });
  });
  app.notFound((c) => c.text('not found', 404));
  return app;
}

/**
 * The names a browser may put in the Host header: loopback's, the address listened on and, when
 * that is every address (0.0.0.0, ::), this machine's name and addresses; plus the names given.
 */
export function hostNamesOf(host: string, extra: readonly string[]): string[] {
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const names = ['localhost', '127.0.0.1', '[::1]', bracket(host), ...extra.map(bracket)];
  if (host === '0.0.0.0' || host === '::') {
    names.push(hostname());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.push(bracket(a.address));
  }
  return [...new Set(names)];
}

/** Listen on host:port (port 0: any free one) and serve the page. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  checkBind(opts.host, opts.allowRemote);
  const hostPart = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  let allowed = new Set<string>();
  const app = uiApp(opts.feed, () => allowed, opts.maxStreams ?? MAX_EVENT_STREAMS);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(new UsageError(`port ${opts.port} on ${opts.host} is taken by another program; choose another with --port`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new UsageError(`${opts.host} is no address of this machine; choose another with --host`));
      else reject(e);
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowed = new Set(hostNamesOf(opts.host, opts.hostNames ?? []).map((h) => `${h}:${port}`.toLowerCase()));
  return {
    url: `http://${hostPart}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        opts.feed.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
