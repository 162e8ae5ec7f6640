// The topology page server (hono on node): the page, its two assets and the event stream, all
// read-only GETs; anything else is 404. Frames carry names and states only, never credentials.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { UsageError } from '../core/errors.js';
import { checkBind, isLoopback } from './bind.js';
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

interface UiServerOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  feed: LiveFeed;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/** `allowedHosts` gives the Host headers to answer (undefined: any). */
function uiApp(feed: LiveFeed, allowedHosts: () => Set<string> | undefined): Hono {
  const app = new Hono();
  // A loopback server answers only to its own names: a web page elsewhere cannot rebind DNS to read it.
  app.use('*', async (c, next) => {
    const allowed = allowedHosts();
    if (allowed && !allowed.has(c.req.header('host') ?? '')) return c.text('not found', 404);
    await next();
  });
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(new URL(file, ASSETS), 'utf8');
    app.get(path, (c) => c.body(body, 200, { ...HEADERS, 'Content-Type': type }));
  }
  app.get('/events', (c) => {
    for (const [k, v] of Object.entries(HEADERS)) c.header(k, v);
    return streamSSE(c, async (stream) => {
      let id = 0;
      const unsubscribe = feed.subscribe((json) => {
        void stream.writeSSE({ event: 'observation', data: json, id: String(++id) }).catch(() => undefined);
      });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      unsubscribe();
    });
  });
  app.notFound((c) => c.text('not found', 404));
  return app;
}

/** Listen on host:port (port 0: any free one) and serve the page. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  checkBind(opts.host, opts.allowRemote);
  const hostPart = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
  let allowed: Set<string> | undefined;
  const app = uiApp(opts.feed, () => allowed);
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
  if (isLoopback(opts.host)) allowed = new Set([`${hostPart}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
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
