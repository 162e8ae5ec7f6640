// Websockets in operator mode (install --auth jwt), judged from outside: nats.js over wss:// with
// a short-lived browser user minted by `accounts mint-browser-user` asks the math services in
// every region and is refused everything else; it expires, and the servers cut it off and refuse
// it. Then a real Chromium page does the same with its own minted user, and holds no account key.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import type { BrowserUser } from '../../cluster/local/accounts.js';
import { jwtPaths } from '../../core/jwt-store.js';
import { pkiPaths, tlsFiles } from '../../core/pki.js';
import { chromiumSkip, launchChromium } from '../support/chromium.js';
import { makeSandbox, parseJson, ROOT, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const PAGE_PORT = portBase('websocket') + 990;
const PAGE_DIR = join(ROOT, 'test', 'support', 'ws-page');
/** Generous bounds for a busy machine: not measurements. */
const WAIT_MS = 60_000;

type Probe = Record<string, unknown> & { error?: string };

/**
 * Run test/support/ws-probe.ts in its own Node: its global WebSocket (behind a flag on Node 20)
 * and its trust of the sandbox CA (NODE_EXTRA_CA_CERTS: a real trust path) are set at start.
 */
function probe(args: Record<string, unknown>, caFile: string): Promise<Probe> {
  const flags = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function' ? [] : ['--experimental-websocket'];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...flags, '--import', 'tsx', join(ROOT, 'test', 'support', 'ws-probe.ts'), JSON.stringify(args)],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 2 * WAIT_MS);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Probe);
      } catch {
        reject(new Error(`ws-probe printed no result:\n${out}\n${err}`));
      }
    });
  });
}

describe('websockets in operator mode', { timeout: 600_000 }, () => {
  let sandbox: Sandbox;

  before(async () => {
    // From the range's 100th port: a shifted range may start below 1024, where no server may listen.
    sandbox = makeSandbox(portBase('websocket') + 100);
    const r = await runScript('install', [...NAMES, '--auth', 'jwt', ...SMALL], sandbox.env, 300_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await sandbox?.cleanup();
  });

  const ca = () => pkiPaths(sandbox.dir).caCert;

  async function mint(args: string[]): Promise<BrowserUser> {
    const r = await runScript('accounts', ['mint-browser-user', ...args, '--json'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return parseJson<BrowserUser>(r.stdout);
  }

  it('status prints every region’s websocket URL', async () => {
    const status = await runScript('status', [], sandbox.env, 60_000);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    for (const c of NAMES) assert.match(status.stdout, new RegExp(`^websockets ${c}: wss://127\\.0\\.0\\.1:\\d+$`, 'm'));
  });

  it('a minted browser user asks the math services over wss:// in every region, and nothing else', async () => {
    const u = await mint([]);
    assert.deepEqual(Object.keys(u.websockets), NAMES);
    assert.deepEqual(u.permissions, { publish: ['math.numbers.>'], subscribe: [`${u.inboxPrefix}.>`] });
    // Its creds file holds its JWT and its own seed: a user seed (SU...), no account's.
    const creds = readFileSync(u.creds, 'utf8');
    assert.match(creds, /-----BEGIN USER NKEY SEED-----\s+SU[A-Z2-7]+/);
    assert.doesNotMatch(creds, /\bS[AO][A-Z2-7]{50,}/);
    for (const [region, [url]] of Object.entries(u.websockets)) {
      const r = await probe({ mode: 'ask', url, creds: u.creds, inboxPrefix: u.inboxPrefix }, ca());
      assert.equal(r.error, undefined, `${region}: ${r.error}`);
      assert.equal(r.answer, 42, region);
      assert.equal(r.again, 42, `${region}: still connected after the refusals`);
      assert.match(String(r.publish), /Permissions Violation for Publish to "answers\.significant"/, region);
      assert.match(String(r.subscribe), /Permissions Violation for Subscription to "answers\.\*"/, region);
      assert.match(String(r.otherInbox), /Permissions Violation for Subscription to "_INBOX\.>"/, region);
    }
  });

  it('a browser user may not connect but over a websocket', async () => {
    const u = await mint([]);
    const plan = parseJson<{ ports: Record<string, { client: number }> }>(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8'));
    await assert.rejects(
      connect({
        servers: [`nats://127.0.0.1:${plan.ports['c1-nats-0']!.client}`],
        tls: { caFile: ca() },
        authenticator: credsAuthenticator(readFileSync(u.creds)),
        reconnect: false,
        timeout: 5000,
      }),
      /Authorization Violation/i,
    );
  });

  it('a short-lived browser user is cut off when it expires, and refused afterwards', async (t) => {
    // Asked before it expires, then watched expire. Should the machine be so slow that the user
    // expired before it connected or asked (minting takes a process start, and so does the
    // probe), mint one that lives longer: no bound on the clock is asserted.
    let last: Probe | undefined;
    for (const seconds of [3, 10, 30]) {
      const u = await mint(['--ttl', `${seconds}s`]);
      const url = u.websockets.c2![0];
      const timeoutMs = WAIT_MS + seconds * 1000;
      last = await probe({ mode: 'expire', url, creds: u.creds, inboxPrefix: u.inboxPrefix, timeoutMs, expiresAt: u.expiresAt }, ca());
      if (last.error && /expired|authorization violation/i.test(last.error)) {
        t.diagnostic(`a ${seconds} s user was refused before it asked (${last.error}); trying a longer one`);
        continue;
      }
      assert.equal(last.error, undefined, last.error);
      assert.equal(last.answer, 42);
      assert.match(String(last.closed), /expired/i, 'the server closed its connection when it expired');
      assert.match(String(last.refused), /expired|authorization violation/i, 'and refuses a new one');
      // Not a bound: the JWT's expiry is in whole seconds, and both clocks are this machine's.
      t.diagnostic(`a ${seconds} s user: the server closed its connection ${last.closedAfterMs} ms after the expiry its JWT names`);
      return;
    }
    assert.fail(`every user was refused before it asked; the last: ${last?.error}`);
  });

  // Outside CI a machine without chromium skips, saying why; in CI (which installs it) the test must run.
  const skip = chromiumSkip;

  it('a Chromium page asks a math service over wss:// with its own minted user, and holds no account key', { skip }, async () => {
    const u = await mint(['--ttl', '10m']);
    const url = u.websockets.c3![0]!;
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [join(PAGE_DIR, 'app.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const js = built.outputFiles[0]!.text;
    // The page is given what a web app's backend would give it: the URL, the user's creds, its inbox.
    const config = JSON.stringify({ url, creds: readFileSync(u.creds, 'utf8'), inboxPrefix: u.inboxPrefix }).replace(/</g, '\\u003c');
    const html = readFileSync(join(PAGE_DIR, 'index.html'), 'utf8').replace('id="config">{}</script>', `id="config">${config}</script>`);
    const server: Server = createServer((req, res) => {
      const [type, body] = req.url === '/app.js' ? ['text/javascript', js] : ['text/html; charset=utf-8', html];
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(PAGE_PORT, '127.0.0.1', resolve);
    });
    // TLS: Chromium trusts the sandbox server's key, by its SPKI hash, for this run only. The CA
    // cannot be pinned this way (the server sends its certificate alone, and Chromium matches the
    // chain it was sent); trusting the CA would need it in an NSS database (certutil), which this
    // machine does not have. Every other certificate is checked as usual.
    const serverCert = new X509Certificate(readFileSync(tlsFiles(pkiPaths(sandbox.dir).server).certFile));
    const spki = createHash('sha256')
      .update(serverCert.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64');
    const profile = mkdtempSync(join(tmpdir(), 'ws-browser-profile-'));
    const context = await launchChromium(profile, { args: [`--ignore-certificate-errors-spki-list=${spki}`] });
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${PAGE_PORT}/`);
      await page.waitForFunction(
        () => !!document.querySelector('#refused')?.textContent || /^failed/.test(document.querySelector('#status')?.textContent ?? ''),
        undefined,
        { timeout: WAIT_MS },
      );
      const status = (await page.textContent('#status')) ?? '';
      assert.match(status, /^connected to c3-nats-0$/, status);
      assert.equal(await page.textContent('#answer'), '42');
      assert.match((await page.textContent('#refused')) ?? '', /Permissions Violation for Publish to "answers\.significant"/);
      // No key but the user's own reaches the browser: no operator or account seed, no account JWT.
      const source = (await page.content()) + js + html;
      assert.match(source, /SU[A-Z2-7]{50,}/, "the user's own seed is there (it signs the server's challenge)");
      assert.doesNotMatch(source, /\bS[AO][A-Z2-7]{50,}/, 'no operator or account seed');
      const p = jwtPaths(sandbox.dir);
      const keys = [
        readFileSync(p.operatorSeed, 'utf8'),
        ...readdirSync(join(p.root, 'accounts')).flatMap((a) => [
          readFileSync(p.identitySeed(a), 'utf8'),
          readFileSync(p.signingSeed(a), 'utf8'),
          readFileSync(p.accountJwt(a), 'utf8'),
        ]),
      ].map((k) => k.trim());
      for (const k of keys) assert.ok(!source.includes(k), `${k.slice(0, 4)}… is on the page`);
    } finally {
      await context.close().catch(() => undefined);
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
