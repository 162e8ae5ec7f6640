// The router with real sockets on loopback: this test process plays the dialing server (its pid
// file says so), an echo server the server behind the link.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RouterConfig } from '../../../../../cluster/local/wan/layout.js';
import { socketsTo } from '../../../../../cluster/local/wan/peer.js';
import { backendOrder, type Router, startRouter } from '../../../../../cluster/local/wan/router.js';

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** ms from writing `text` until it came back, or 'closed' when the link closed the connection. */
function echoTime(s: Socket, text: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const t = performance.now();
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString();
      if (got === text) {
        s.off('data', onData);
        resolve(performance.now() - t);
      }
    };
    s.on('data', onData);
    s.once('close', () => resolve('closed'));
    s.write(text);
  });
}

const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));

describe('WAN router', () => {
  let dir: string;
  let echo: Server;
  let router: Router;
  let linkPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wan-router-'));
    mkdirSync(join(dir, 'servers', 'a-0'), { recursive: true });
    writeFileSync(join(dir, 'servers', 'a-0', 'pid'), `${process.pid}\n`);
    echo = createServer((c) => c.pipe(c));
    const echoPort = await listen(echo);
    linkPort = await freePort();
    const config: RouterConfig = {
      listeners: [{ name: 'gateway:b', port: linkPort, backends: [{ server: 'b-0', datacenter: 'b', port: echoPort }], prefer: 'any' }],
      datacenters: { 'a-0': 'a', 'b-0': 'b' },
      serversDir: join(dir, 'servers'),
      linksFile: join(dir, 'links.json'),
      appliedFile: join(dir, 'applied.json'),
    };
    router = await startRouter(config, { generation: 1, rttMs: { 'a~b': 60 }, cut: [] });
  });

  after(async () => {
    await router.close();
    await new Promise((r) => echo.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds each direction for half the round trip of the dialer region and the server region', async () => {
    const s = await dial(linkPort);
    const ms = await echoTime(s, 'ping');
    // Timers are aimed up to 1 ms early each way; only the lower bound is the router's contract.
    assert.ok(typeof ms === 'number' && ms >= 58, `round trip ${ms} ms through a 60 ms link`);
    assert.deepEqual(router.connections(), { 'a~b': 1 });
    s.destroy();
  });

  it('applies a new delay to connections already open', async () => {
    const s = await dial(linkPort);
    await echoTime(s, 'warm');
    router.apply({ generation: 2, rttMs: { 'a~b': 120 }, cut: [] });
    const ms = await echoTime(s, 'slow');
    assert.ok(typeof ms === 'number' && ms >= 118, `round trip ${ms} ms after raising the link to 120 ms`);
    router.apply({ generation: 3, rttMs: { 'a~b': 0 }, cut: [] });
    s.destroy();
  });

  it('keeps bytes in order when the delay shrinks mid-stream', async () => {
    router.apply({ generation: 4, rttMs: { 'a~b': 80 }, cut: [] });
    const s = await dial(linkPort);
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
    });
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i === 10) router.apply({ generation: 5, rttMs: { 'a~b': 0 }, cut: [] });
      sent.push(`<${i}>`);
      s.write(`<${i}>`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const want = sent.join('');
    for (let i = 0; i < 100 && got.length < want.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(got, want);
    s.destroy();
  });

  it('a cut drops the open connections of the pair and refuses new ones; healing lets them in again', async () => {
    const open = await dial(linkPort);
    await echoTime(open, 'before');
    router.apply({ generation: 6, rttMs: { 'a~b': 0 }, cut: ['a~b'] });
    await closed(open);
    const refused = await dial(linkPort);
    assert.equal(await echoTime(refused, 'during'), 'closed');
    router.apply({ generation: 7, rttMs: { 'a~b': 0 }, cut: [] });
    const again = await dial(linkPort);
    assert.equal(typeof (await echoTime(again, 'after')), 'number');
    again.destroy();
  });

  it('identifies every dialer of 200 that connect at once', async () => {
    router.apply({ generation: 8, rttMs: { 'a~b': 20 }, cut: [] });
    const sockets = await Promise.all(Array.from({ length: 200 }, () => dial(linkPort)));
    const times = await Promise.all(sockets.map((s, i) => echoTime(s, `hello ${i}`)));
    assert.ok(
      times.every((ms) => typeof ms === 'number' && ms >= 18),
      'every connection delayed as a dialer of region a',
    );
    assert.deepEqual(router.connections(), { 'a~b': 200 });
    for (const s of sockets) s.destroy();
  });

  it('a dialer that is none of the servers is forwarded without delay or cut', async () => {
    rmSync(join(dir, 'servers', 'a-0', 'pid'));
    router.apply({ generation: 9, rttMs: { 'a~b': 60 }, cut: ['a~b'] });
    const s = await dial(linkPort);
    const ms = await echoTime(s, 'stranger');
    assert.ok(typeof ms === 'number', 'forwarded');
    assert.deepEqual(router.connections(), { unknown: 1 });
    s.destroy();
  });
});

describe("the kernel's socket table, read for the links only", () => {
  // /proc/net/tcp as Linux writes it: local and remote address in hex, inode in the 10th column.
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:3A98 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:D431 0100007F:3A98 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1',
    '   2: 0100007F:D432 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1',
  ].join('\n');
  it('keeps the sockets that dial one of the given ports, keyed local>remote', () => {
    assert.deepEqual([...socketsTo(table, new Set([15000]))], [['54321>15000', '1002']]);
    assert.deepEqual([...socketsTo(table, new Set([8080, 15000]))].sort(), [
      ['54321>15000', '1002'],
      ['54322>8080', '1003'],
    ]);
    assert.deepEqual([...socketsTo('', new Set([15000]))], []);
  });
});

describe('which server a link lands on', () => {
  const backends = [
    { server: 'x-c1', datacenter: 'c1', port: 1 },
    { server: 'x-c2', datacenter: 'c2', port: 2 },
    { server: 'x-c3', datacenter: 'c3', port: 3 },
  ];
  it("xr-js's gateways: the dialer's own datacenter first, then the others", () => {
    for (let i = 0; i < 10; i++) {
      const order = backendOrder({ name: 'gateway:xr-js', port: 9, backends, prefer: 'same-datacenter' }, 'c2');
      assert.equal(order[0]!.server, 'x-c2');
      assert.equal(order.length, 3);
    }
  });
  it('a regional ingress: any of its gw servers', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(backendOrder({ name: 'gateway:c1', port: 9, backends, prefer: 'any' }, 'c2')[0]!.server);
    assert.equal(seen.size, 3);
  });
});
