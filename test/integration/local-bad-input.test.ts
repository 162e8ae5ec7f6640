// Bad input fails before any side effect: a clear message, a non-zero exit, nothing started.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeSandbox, processesMentioning, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

describe('bad input', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = makeSandbox(portBase('localBadInput'));
  });
  after(async () => {
    await sandbox.cleanup();
  });

  const nothingStarted = () => {
    assert.deepEqual(processesMentioning(sandbox.dir), []);
    const servers = join(sandbox.dir, 'local', 'servers');
    assert.ok(!existsSync(servers) || readdirSync(servers).length === 0, 'no server directory was made');
  };

  it('says the size of a sandbox larger than the default before it would start it', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `c${i + 1}`);
    const r = await runScript('06-supercluster', [...names, '--dry-run'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /size: 144 servers, 576 ports, about 6\.7 GiB of memory with the services \(\d+ MiB available now\), \d+ servers per CPU/,
    );
    nothingStarted();
    // Past 24 servers per CPU the mesh was measured not to form: refused before anything starts.
    if (cpus().length * 24 < 144) {
      const refused = await runScript('06-supercluster', names, sandbox.env);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /144 servers on \d+ CPU\(s\) is \d+ per CPU; past 24 per CPU the mesh was measured not to form/);
      assert.match(refused.stderr, /--yes to start them anyway/);
      nothingStarted();
    }
  });

  it('names a SANDBOX_DIR it cannot write, with the fix, not as an unexpected error', async () => {
    const file = join(tmpdir(), `not-a-dir-${process.pid}`);
    writeFileSync(file, '');
    try {
      const r = await runScript('01-clusters', ['c1'], { ...sandbox.env, SANDBOX_DIR: join(file, 'sandbox') });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /cannot write .*not-a-dir-\d+\/sandbox: ENOTDIR/);
      assert.match(r.stderr, /fix: point SANDBOX_DIR at a directory you can write/);
      assert.doesNotMatch(r.stderr, /unexpected error/);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('rejects invalid and duplicate names with exit 2', async () => {
    const r = await runScript('install', ['c1', 'Bad_Name', 'c1'], sandbox.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'Bad_Name' is not a DNS-1123 label/);
    assert.match(r.stderr, /duplicate cluster name\(s\): c1/);
    assert.equal(existsSync(sandbox.dir), false);
  });

  it('rejects an unknown flag and a missing name on every entry point', async () => {
    for (const script of ['install', '01-clusters', '06-supercluster', 'status', 'delete']) {
      const r = await runScript(script, ['c1', '--frobnicate'], sandbox.env);
      assert.equal(r.code, 2, script);
      assert.match(r.stderr, /Unknown option '--frobnicate'/, script);
    }
    const r = await runScript('06-supercluster', [], sandbox.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs at least one cluster name/);
    nothingStarted();
  });

  it('refuses an unknown --identity for contexts before printing or writing any', async () => {
    const xdg = join(sandbox.dir, '..', 'xdg');
    const r = await runScript('contexts', ['c1', '--identity', 'sys,bob', '--write'], { ...sandbox.env, XDG_CONFIG_HOME: xdg });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--identity: 'bob' is not an identity; valid: sys, admin, math, requester, recorder \(comma-separated\), or all/,
    );
    assert.equal(r.stdout, '');
    assert.equal(existsSync(xdg), false);
  });

  it('prints help on every entry point', async () => {
    for (const script of ['install', '03-linkerd', 'status', 'delete']) {
      const r = await runScript(script, ['--help'], sandbox.env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /usage: npx zx scripts\//);
      assert.match(r.stdout, /--dry-run/);
    }
  });

  it('names a port in use and who holds it, and starts nothing', async () => {
    const blocker: Server = createServer();
    // base + 5 is the cluster port of the second server in the plan
    const taken = portBase('localBadInput') + 5;
    await new Promise<void>((res) => blocker.listen(taken, '127.0.0.1', () => res()));
    try {
      const r = await runScript('install', ['c1'], sandbox.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${taken} \\(c1-nats-1 cluster\\) is held by pid \\d+`));
      assert.match(r.stderr, /LOCAL_PORT_BASE/);
      nothingStarted();
    } finally {
      await new Promise((res) => blocker.close(res));
    }
  });

  it('says how to get nats-server when NATS_SERVER_BIN is wrong, and starts nothing', async () => {
    const r = await runScript('install', ['c1'], { ...sandbox.env, NATS_SERVER_BIN: '/nonexistent/nats-server' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /NATS_SERVER_BIN is \/nonexistent\/nats-server, which is not an executable file/);
    assert.match(r.stderr, /fix: install Go .*; or set NATS_SERVER_BIN .*; or put such a nats-server on PATH/);
    nothingStarted();
  });

  it('with no Go, no cached build and none on PATH, says so before starting anything', async () => {
    // Only the folders node and the shell tools live in: no go, no nats-server.
    const path = [dirname(process.execPath), '/bin', '/usr/bin'].filter(
      (d) => !existsSync(join(d, 'go')) && !existsSync(join(d, 'nats-server')),
    );
    const r = await runScript('install', ['c1'], {
      ...sandbox.env,
      NATS_SERVER_BIN: '',
      PATH: path.join(':'),
      TOOLS_CACHE: join(sandbox.dir, '..', 'no-tools'),
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /no nats-server: NATS_SERVER_BIN is not set, Go is not installed to build it, and none is on PATH/);
    assert.match(r.stderr, /fix: install Go/);
    nothingStarted();
  });

  it('refuses a nats-server older than the sandbox supports (Debian 12 ships 2.9.10), naming the ways out', async () => {
    const dir = join(sandbox.dir, '..', 'old-bin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nats-server'), '#!/bin/sh\necho "nats-server: v2.9.10"\n', { mode: 0o755 });
    const r = await runScript('install', ['c1'], { ...sandbox.env, NATS_SERVER_BIN: join(dir, 'nats-server') });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /is nats-server 2\.9\.10, older than 2\.11\.0, the oldest the sandbox runs/);
    nothingStarted();
  });

  it('refuses a topology nats-server cannot run (a one-server JetStream cluster) before starting anything', async () => {
    const r = await runScript('install', ['c1', '--replicas', 'xr=1'], sandbox.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /xr-js would have a single JetStream server/);
    nothingStarted();
  });

  it('rejects a bad setting in the environment', async () => {
    const r = await runScript('install', ['c1'], { ...sandbox.env, LOCAL_PORT_BASE: 'lots' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /LOCAL_PORT_BASE must be a whole number from 1024 to 65535; got 'lots'/);
    nothingStarted();
  });
});
