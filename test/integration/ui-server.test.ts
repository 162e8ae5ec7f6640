// The topology page server: loopback only unless asked, nothing served but the page, its assets
// and the event stream, and bad input to ui.mjs refused before anything starts.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { command as ui } from '../../scripts/lib/commands/ui.js';
import { parseCommandLine } from '../../scripts/lib/run.js';
import { checkBind } from '../../ui/bind.js';
import { LiveFeed } from '../../ui/feed.js';
import { hostNamesOf, startUiServer, type UiServer } from '../../ui/server.js';
import { makeSandbox, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request; for an event stream, the body read until `until` matches. */
function fetchRaw(url: string, opts: { method?: string; host?: string; until?: RegExp } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: opts.method ?? 'GET', headers: opts.host ? { host: opts.host } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
          if (opts.until?.test(body)) {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('topology page server', () => {
  let server: UiServer;
  let frames = 0;
  const feed = new LiveFeed(async () => ({ view: { verdict: 'OK: fake', n: ++frames }, svg: '<svg></svg>' }), 50);

  before(async () => {
    server = await startUiServer({ host: '127.0.0.1', port: 0, allowRemote: false, feed });
  });
  after(async () => {
    await server?.close();
  });

  it('refuses a non-loopback address unless --allow-remote is given', async () => {
    for (const host of ['0.0.0.0', '192.168.1.5', 'example.org', '::']) {
      assert.throws(
        () => checkBind(host, false),
        (e: Error) => e instanceof UsageError && /only loopback addresses .* --allow-remote/.test(e.message),
      );
    }
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) checkBind(host, false);
    checkBind('0.0.0.0', true);
    await assert.rejects(
      startUiServer({ host: '0.0.0.0', port: 0, allowRemote: false, feed }),
      /refusing to serve the topology page on 0\.0\.0\.0/,
    );
    const port = (...argv: string[]) => parseCommandLine(ui, argv).options.port;
    assert.throws(() => port('--port', 'http'), /--port must be a whole number from 1 to 65535; got 'http'/);
    assert.throws(() => port('--port', '70000'), /--port must be a whole number/);
    assert.equal(port(), 8090);
  });

  it('serves the page and its two assets, read-only, with a content security policy', async () => {
    const page = await fetchRaw(server.url);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.match(page.body, /<script src="\/assets\/page.js"/);
    for (const [path, type] of [
      ['assets/page.js', /^text\/javascript/],
      ['assets/page.css', /^text\/css/],
    ] as const) {
      const r = await fetchRaw(new URL(path, server.url).href);
      assert.equal(r.status, 200, path);
      assert.match(String(r.headers['content-type']), type);
    }
  });

  it('streams frames as server-sent events', async () => {
    const r = await fetchRaw(new URL('events', server.url).href, { until: /data: .*"n":2/ });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/event-stream/);
    assert.match(r.body, /event: observation\ndata: \{"view":\{"verdict":"OK: fake","n":1\},"svg":"<svg><\/svg>"\}\nid: 1/);
  });

  it('serves nothing else: other paths, other methods and other Host names get 404', async () => {
    for (const path of [
      'package.json',
      'ui/server.ts',
      'assets/index.html',
      'assets/../package.json',
      'node_modules/hono/package.json',
      '.sandbox/secrets.json',
      'events/x',
      'assets/',
    ]) {
      const r = await fetchRaw(new URL(path, server.url).href.replace('/assets/../', '/assets/%2e%2e/'));
      assert.equal(r.status, 404, path);
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      assert.equal((await fetchRaw(server.url, { method })).status, 404, method);
    }
    assert.equal((await fetchRaw(server.url, { host: 'attacker.example:80' })).status, 404);
  });

  it('takes a bounded number of pages at once: one more gets 503 until one closes', async () => {
    const capped = await startUiServer({ host: '127.0.0.1', port: 0, allowRemote: false, feed, maxStreams: 2 });
    const open: IncomingMessage[] = [];
    const openStream = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const u = new URL('events', capped.url);
        request({ host: u.hostname, port: u.port, path: u.pathname }, resolve).on('error', reject).end();
      });
    try {
      for (let i = 0; i < 2; i++) open.push(await openStream());
      assert.deepEqual(
        open.map((r) => r.statusCode),
        [200, 200],
      );
      const third = await fetchRaw(new URL('events', capped.url).href);
      assert.equal(third.status, 503);
      assert.match(third.body, /2 pages are open already/);
      open.shift()!.destroy();
      let again: Reply | undefined;
      for (let i = 0; i < 50 && again?.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
        again = await fetchRaw(new URL('events', capped.url).href, { until: /event: observation/ });
      }
      assert.equal(again?.status, 200);
    } finally {
      for (const r of open) r.destroy();
      await capped.close();
    }
  });

  it('on every address (--allow-remote) still answers only to the names of this machine and those given', async () => {
    const names = hostNamesOf('0.0.0.0', ['nats-lab.example.org']);
    for (const n of ['localhost', '127.0.0.1', hostname(), 'nats-lab.example.org']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('attacker.example'));
    const remote = await startUiServer({ host: '0.0.0.0', port: 0, allowRemote: true, hostNames: ['nats-lab.example.org'], feed });
    try {
      const url = `http://127.0.0.1:${new URL(remote.url).port}/`;
      const port = new URL(remote.url).port;
      assert.equal((await fetchRaw(url, { host: `nats-lab.example.org:${port}` })).status, 200);
      assert.equal((await fetchRaw(url, { host: `${hostname()}:${port}` })).status, 200);
      assert.equal((await fetchRaw(url, { host: `attacker.example:${port}` })).status, 404);
    } finally {
      await remote.close();
    }
    const hostNames = (...argv: string[]) => parseCommandLine(ui, argv).options['host-name'];
    assert.deepEqual(hostNames('--host', '0.0.0.0', '--allow-remote', '--host-name', 'Lab.Example.org,b'), ['lab.example.org', 'b']);
    assert.throws(() => hostNames('--host-name', 'a b'), /--host-name takes host names/);
    assert.throws(() => hostNames('--host-name', 'lab.example.org'), /--host-name .* needs --allow-remote/);
  });

  it('names a taken port', async () => {
    const taken = await startUiServer({ host: '127.0.0.1', port: 0, allowRemote: false, feed: new LiveFeed(async () => ({}), 1000) });
    try {
      const port = Number(new URL(taken.url).port);
      await assert.rejects(
        startUiServer({ host: '127.0.0.1', port, allowRemote: false, feed }),
        new RegExp(`port ${port} on 127.0.0.1 is taken by another program; choose another with --port`),
      );
    } finally {
      await taken.close();
    }
  });
});

describe('ui.mjs bad input', () => {
  let sandbox: Sandbox;
  const uiPort = portBase('ui') + 990;
  before(() => {
    sandbox = makeSandbox(portBase('ui'));
  });
  after(async () => {
    await sandbox.cleanup();
  });

  it('refuses a non-loopback host, a bad port and a snapshot that is not .svg, with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--host', '0.0.0.0'], /refusing to serve the topology page on 0\.0\.0\.0: .* --allow-remote/],
      [['--port', 'abc'], /--port must be a whole number from 1 to 65535; got 'abc'/],
      [['--snapshot', 'picture.png'], /--snapshot writes an SVG file: give a name ending in \.svg/],
    ];
    for (const [args, message] of cases) {
      const r = await runScript('ui', args, sandbox.env);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('says to install first when there is no sandbox', async () => {
    const r = await runScript('ui', ['--port', String(uiPort)], sandbox.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no local sandbox in .*: install one first, e\.g\. npx zx scripts\/install\.mjs c1 c2 c3/);
  });
});
