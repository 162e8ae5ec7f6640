// The topology page in a real browser (Debian's chromium through playwright-core) against a real
// small local sandbox: every server drawn, the meta leader marked, a region going down and coming
// back shown within a bounded wait, no credentials on the page, and a screenshot that is a picture.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumSkip, launchChromium } from '../support/chromium.js';
import { makeSandbox, ROOT, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const SERVERS = NAMES.flatMap((c) => [`${c}-nats-0`, `${c}-js-nats-0`, `${c}-gw-nats-0`, `${c}-xr-js-nats-0`]);
const UI_PORT = portBase('ui') + 990;
/** Long enough for a busy machine; the page itself redraws every second. */
const WAIT_MS = 30_000;

/** Start ui.mjs and resolve with its URL once it says where it listens. */
function startUi(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'zx'), [join(ROOT, 'scripts', 'ui.mjs'), '--port', String(UI_PORT)], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', PROVIDER: 'local', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`ui.mjs did not start:\n${out}`)), 60_000);
    const hear = (d: Buffer) => {
      out += d;
      const m = /topology page on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    };
    child.stdout!.on('data', hear);
    child.stderr!.on('data', hear);
    child.on('exit', (code) => reject(new Error(`ui.mjs exited ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Distinct colours and size of a PNG, counted by the browser itself (no image library needed). */
async function pictureStats(context: BrowserContext, png: Buffer): Promise<{ colours: number; width: number; height: number }> {
  const page = await context.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return { colours: seen.size, width: img.width, height: img.height };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

const healthOf = (page: Page) =>
  page.$$eval('#picture [data-server]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-server'), e.getAttribute('data-health')])),
  );

const skip = chromiumSkip;

describe('topology page in a browser', { skip }, () => {
  let sandbox: Sandbox;
  let ui: { child: ChildProcess; url: string } | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'ui-browser-profile-'));

  before(async () => {
    sandbox = makeSandbox(portBase('ui'));
    const r = await runScript('install', [...NAMES, ...SMALL], sandbox.env, 300_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    ui = await startUi(sandbox.env);
    context = await launchChromium(profile, { viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await page.goto(ui.url);
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await stop(ui?.child);
    await sandbox?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  });

  /** Save a screenshot for a human when UI_SCREENSHOT_DIR is set, and check it is a picture, not a blank page. */
  async function screenshot(name: string): Promise<void> {
    const png = await page.screenshot({ fullPage: true });
    if (process.env.UI_SCREENSHOT_DIR) writeFileSync(join(process.env.UI_SCREENSHOT_DIR, `${name}.png`), png);
    const stats = await pictureStats(context!, png);
    assert.ok(stats.width >= 800 && stats.height >= 400, `screenshot ${stats.width}x${stats.height}`);
    assert.ok(stats.colours > 50, `a blank or uniform screenshot has few colours; got ${stats.colours}`);
  }

  it('draws every server of the topology by role and health, the meta leader, JetStream and services, and the verdict', async () => {
    await page.waitForFunction(() => document.querySelector('#verdict')?.textContent?.startsWith('OK: 12 servers'), undefined, {
      timeout: WAIT_MS,
    });
    const health = await healthOf(page);
    assert.deepEqual(Object.keys(health).sort(), [...SERVERS].sort());
    assert.ok(
      Object.values(health).every((h) => h === 'up'),
      JSON.stringify(health),
    );
    const roles = await page.$$eval('#picture [data-server]', (els) =>
      els.map((e) => `${e.getAttribute('data-server')}=${e.getAttribute('data-role')}`),
    );
    assert.ok(roles.includes('c2-xr-js-nats-0=xr-js') && roles.includes('c3-gw-nats-0=gw') && roles.includes('c1-nats-0=seed'));
    const leaders = await page.$$eval('#picture [data-meta-leader="true"]', (els) => els.map((e) => e.getAttribute('data-server')));
    assert.equal(leaders.length, 1);
    assert.match(leaders[0]!, /-(xr-)?js-nats-0$/);
    const text = (await page.textContent('#picture')) ?? '';
    assert.match(text, new RegExp(`meta leader: ${leaders[0]}`));
    assert.match(text, /answers R3 \[xr-js dc:xr\] leader c\d-xr-js-nats-0/);
    assert.match(text, /KV sandbox-config R3/);
    // Requests served come from the services' own STATS: ask c1's services and watch the count rise.
    const asked = await runScript('request', ['--from', 'c1', '--count', '3'], sandbox.env);
    assert.equal(asked.code, 0, asked.stdout + asked.stderr);
    await page.waitForFunction(
      () => /c1: \d+ instance\(s\) · [1-9]\d* requests · \d+ errors/.test(document.querySelector('#picture')?.textContent ?? ''),
      undefined,
      { timeout: WAIT_MS },
    );
    assert.equal(await page.$$eval('#picture .gateway[data-state="up"]', (els) => els.length), 6);
    // No credential of the sandbox reaches the browser.
    const secrets = JSON.parse(readFileSync(join(sandbox.dir, 'secrets.json'), 'utf8')) as Record<string, unknown>;
    const html = await page.content();
    for (const [name, value] of Object.entries(secrets)) {
      if (typeof value === 'string' && value.length >= 8) assert.ok(!html.includes(value), `secret ${name} is on the page`);
    }
    await screenshot('healthy');
  });

  it('shows c3 down and names the problem after region c3 --down, then healthy again after --up', async (t) => {
    const down = await runScript('region', ['c3', '--down'], sandbox.env);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    const stopped = performance.now();
    // c3's servers down, the others up: right after the stop, a JetStream meta leader that was in
    // c3 is elected anew, and for a moment the others report that as a problem of their own.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('#picture [data-server]')].every(
          (e) => e.getAttribute('data-health') === (e.getAttribute('data-server')!.startsWith('c3-') ? 'down' : 'up'),
        ) && /region c3 is down: none of its 4 servers answer/.test(document.querySelector('#problems')?.textContent ?? ''),
      undefined,
      { timeout: WAIT_MS },
    );
    // For the record, not a test of speed: how long after region --down returned the page showed it.
    t.diagnostic(`the page showed c3 down ${Math.round(performance.now() - stopped)} ms after region --down returned`);
    const health = await healthOf(page);
    for (const s of SERVERS) assert.equal(health[s], s.startsWith('c3-') ? 'down' : 'up', s);
    assert.match((await page.textContent('#verdict')) ?? '', /^NOT OK: \d+ problem\(s\)$/);
    // The findings behind the cause are there too, folded under it.
    assert.match((await page.textContent('#problems details')) ?? '', /c3-nats-0 did not answer/);
    assert.equal(await page.getAttribute('#picture [data-region="c3"].region', 'data-health'), 'down');
    assert.equal(await page.getAttribute('#picture .gateway[data-link="c1|c3"]', 'data-state'), 'down');
    await screenshot('c3-down');

    const up = await runScript('region', ['c3', '--up'], sandbox.env, 300_000);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    await page.waitForFunction(
      () =>
        document.querySelector('#verdict')?.textContent?.startsWith('OK: 12 servers') &&
        [...document.querySelectorAll('#picture [data-server]')].every((e) => e.getAttribute('data-health') === 'up'),
      undefined,
      { timeout: WAIT_MS },
    );
    assert.equal(await page.$$eval('#problems li', (els) => els.length), 0);
    await screenshot('healed');
  });

  it('writes the same picture as an SVG file with --snapshot', async () => {
    const file = join(sandbox.dir, 'supercluster.svg');
    const r = await runScript('ui', ['--snapshot', file], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /wrote .*supercluster\.svg: OK: 12 servers/);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const s of SERVERS) assert.match(svg, new RegExp(`data-server="${s}" data-role="[a-z-]+" data-health="up"`));
    assert.match(svg, /class="verdict" data-ok="true"/);
  });

  it('refuses a second page server on the same port, naming it', async () => {
    const r = await runScript('ui', ['--port', String(UI_PORT)], sandbox.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`port ${UI_PORT} on 127\\.0\\.0\\.1 is taken by another program; choose another with --port`));
  });
});
