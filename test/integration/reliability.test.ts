// Nothing silently lost and no dead ends, tried as a user would on a small real sandbox: a saved
// state that cannot be read, a server whose pid file is gone, two installs at once, a .env that
// says otherwise, a wrong MYSQL_URL, a dead private MariaDB, a region that is down.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mysqlPaths, privateMysqlPid } from '../../cluster/local/mysql.js';
import { servicePid } from '../../cluster/local/service-processes.js';
import { keyMatches, pkiPaths, tlsFiles } from '../../core/pki.js';
import { makeSandbox, parseJson, processesMentioning, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

interface StatusJson {
  ok: boolean;
  problems: string[];
  causes: { summary: string; details: string[] }[];
}

describe('reliability of the local sandbox', () => {
  let sandbox: Sandbox;
  const status = async (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const r = await runScript('status', [...args, '--json'], { ...sandbox.env, ...env });
    return { code: r.code, json: parseJson<StatusJson>(r.stdout), stderr: r.stderr };
  };

  before(async () => {
    sandbox = makeSandbox(portBase('reliability'), { LOCAL_MYSQL_PORT: String(portBase('reliability') - 1), MYSQL_URL: '' });
    const r = await runScript('install', [...NAMES, ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(() => sandbox.cleanup());

  it('keeps the saved topology when .env says otherwise; only a flag changes it', async () => {
    const envFile = join(sandbox.dir, '..', 'env');
    const example = readFileSync(join(process.cwd(), '.env.example'), 'utf8');
    // .env.example with every default switched on, as a user who copied and uncommented it has
    writeFileSync(
      envFile,
      example.replace(/^# ([A-Z_0-9]+=)/gm, '$1').replace(/^(SANDBOX_DIR|LOCAL_PORT_BASE|PROVIDER|MYSQL_URL)=.*$/gm, ''),
    );
    const env = { ENV_FILE: envFile };
    const s = await status([], env);
    assert.equal(s.json.ok, true, s.json.problems.join('\n'));
    const plan = await runScript('06-supercluster', [...NAMES, '--dry-run'], { ...sandbox.env, ...env });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /12 servers in 4 NATS clusters: 12 unchanged/);
    assert.doesNotMatch(plan.stdout, /would (start|restart|issue)/);
  });

  it('refuses a second mutating command while one runs, takes over a stale lock, and the PKI stays whole', async () => {
    const lock = join(sandbox.dir, 'lock');
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(lock, JSON.stringify({ pid: holder.pid, command: 'install c1 c2 c3', since: new Date().toISOString() }));
      const refused = await runScript('02-certs', NAMES, sandbox.env);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`another command is changing this sandbox: 'install c1 c2 c3' \\(pid ${holder.pid}`));
      assert.doesNotMatch(refused.stdout, /▶ 02-certs/, 'nothing ran');
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.once('exit', r));
    const stale = await runScript('02-certs', NAMES, sandbox.env);
    assert.equal(stale.code, 0, stale.stderr);
    // Two at once: one may have to wait its turn (refused, exit 1), neither breaks the PKI.
    const both = await Promise.all([runScript('install', NAMES, sandbox.env), runScript('install', NAMES, sandbox.env)]);
    assert.ok(
      both.some((r) => r.code === 0),
      both.map((r) => r.stderr).join('\n'),
    );
    for (const r of both.filter((x) => x.code !== 0)) assert.match(r.stderr, /another command is changing this sandbox/);
    for (const id of ['recorder', 'requester', 'math'] as const) {
      const f = tlsFiles(pkiPaths(sandbox.dir).client(id));
      assert.ok(keyMatches(new X509Certificate(readFileSync(f.certFile)), readFileSync(f.keyFile, 'utf8')), id);
    }
    assert.equal(existsSync(lock), false, 'the lock goes with the command');
  });

  it('refuses a wrong MYSQL_URL before stopping anything, and a malformed one before anything runs', async () => {
    const recorder = servicePid(sandbox.dir, 'c1-services-0');
    assert.ok(recorder);
    const port = portBase('reliability') - 1;
    const wrong = await runScript('08-services', NAMES, { ...sandbox.env, MYSQL_URL: `mysql://answers:wrong@127.0.0.1:${port}/answers` });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /MYSQL_URL: MySQL at 127\.0\.0\.1:\d+ refuses user 'answers' \(wrong password\?\)/);
    assert.equal(servicePid(sandbox.dir, 'c1-services-0'), recorder, 'the services host with the recorder was not touched');
    const malformed = await runScript('install', NAMES, { ...sandbox.env, MYSQL_URL: 'postgres://x@y/z' });
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /MYSQL_URL must start with mysql:\/\//);
    assert.doesNotMatch(malformed.stdout, /01-clusters/);
  });

  it('names a dead private MariaDB in status, never under an OK headline, and stage 08 brings it back', async () => {
    const pid = privateMysqlPid(sandbox.dir);
    assert.ok(pid, 'the private MariaDB runs');
    process.kill(pid, 'SIGKILL');
    while (processesMentioning(mysqlPaths(sandbox.dir).data).length) await new Promise((r) => setTimeout(r, 100));
    const s = await status();
    assert.equal(s.code, 1);
    assert.ok(
      s.json.causes.some((c) =>
        /the private MariaDB is not running, so nothing is recorded; fix: npx zx scripts\/08-services\.mjs c1 c2 c3/.test(c.summary),
      ),
    );
    const text = await runScript('status', [], sandbox.env);
    assert.match(text.stdout, /^NOT OK: 1 problem\(s\) \(the supercluster itself is healthy\):/m);
    assert.doesNotMatch(text.stdout, /^OK:/m);
    const fixed = await runScript('08-services', NAMES, sandbox.env);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal((await status()).json.ok, true);
  });

  it('says a region that is down in one line; --verbose lists what follows from it', async (t) => {
    const down = await runScript('region', ['c3', '--down'], sandbox.env);
    assert.equal(down.code, 0, down.stderr);
    // c3 comes back whatever this test finds: the next ones need the whole sandbox.
    t.after(async () => {
      const up = await runScript('region', ['c3', '--up'], sandbox.env);
      assert.equal(up.code, 0, up.stderr);
    });
    const s = await status();
    assert.equal(s.code, 1);
    assert.equal(s.json.causes[0]!.summary, 'region c3 is down: none of its 4 servers answer');
    assert.ok(s.json.causes.every((c) => !/c3-.*did not answer/.test(c.summary)));
    const text = await runScript('status', ['c1'], sandbox.env);
    assert.match(text.stdout, /region c3 is down/);
    assert.doesNotMatch(text.stdout, /unexpected server/);
    const report = text.stdout.slice(text.stdout.indexOf('NOT OK'));
    assert.ok(report.trim().split('\n').length <= 4, `one line per cause:\n${report}`);
    const verbose = await runScript('status', ['--verbose'], sandbox.env);
    assert.match(verbose.stdout, /has no route to c3-xr-js-nats-0/);
  });

  it('names a hung server (kill -STOP) as the one not answering, not the healthy servers behind it', async () => {
    const pid = Number(readFileSync(join(sandbox.dir, 'local', 'servers', 'c2-gw-nats-0', 'pid'), 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      const s = await status();
      assert.equal(s.code, 1);
      const silent = s.json.causes.filter((c) => /did not answer|is down/.test(c.summary));
      assert.deepEqual(
        silent.map((c) => c.summary),
        ['1 server(s) did not answer: c2-gw-nats-0'],
      );
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    let again = await status();
    for (let i = 0; i < 30 && again.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      again = await status();
    }
    assert.equal(again.code, 0, again.json.problems.join('\n'));
  });

  it('delete stops a server whose pid file is gone, and removes nothing while it runs', async () => {
    rmSync(join(sandbox.dir, 'local', 'servers', 'c2-js-nats-0', 'pid'));
    const r = await runScript('delete', [], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(processesMentioning(`${sandbox.dir}/`), []);
    assert.equal(existsSync(sandbox.dir), false);
  });

  it('an interrupted install says what keeps running and the two ways on, and exits 130', async () => {
    const r = await runScript('install', [...NAMES, ...SMALL], sandbox.env, 120_000, { output: /▶ 01-clusters/ });
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.match(
      r.stdout + r.stderr,
      /install interrupted \(SIGINT\): what it started keeps running; npx zx scripts\/install\.mjs c1 c2 c3 finishes the sandbox, npx zx scripts\/delete\.mjs c1 c2 c3 stops and removes it/,
    );
    const again = await runScript('install', [...NAMES, ...SMALL], sandbox.env);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });

  it('a garbled or missing plan with servers running is rebuilt from their configs; status, install and delete go on', async () => {
    const r = await runScript('install', [...NAMES, ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    const plan = join(sandbox.dir, 'plan.json');
    const saved = JSON.parse(readFileSync(plan, 'utf8'));
    writeFileSync(plan, '{ "version": 1, "names": [');
    const st = await runScript('status', [], sandbox.env);
    assert.equal(st.code, 0, st.stdout + st.stderr);
    assert.match(
      st.stdout + st.stderr,
      /plan\.json cannot be read \(.*\): rebuilt the plan from the configs of its 12 servers \(c1 c2 c3\)/,
    );
    const again = await runScript('install', NAMES, sandbox.env);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /12 servers in 4 NATS clusters: 12 unchanged/);
    assert.deepEqual(JSON.parse(readFileSync(plan, 'utf8')), saved, 'the plan install saved is the one it had');
    rmSync(plan);
    const gone = await runScript('status', [], sandbox.env);
    assert.equal(gone.code, 0, gone.stdout + gone.stderr);
    assert.match(gone.stdout + gone.stderr, /plan\.json is missing: rebuilt the plan/);
  });

  it('a plan that can neither be read nor rebuilt is named without a stack trace, and delete still works', async () => {
    writeFileSync(join(sandbox.dir, 'plan.json'), '{ "version": 1, "names": [');
    writeFileSync(join(sandbox.dir, 'local', 'servers', 'c2-gw-nats-0', 'nats-server.conf'), 'garbled');
    for (const cmd of ['status', 'install']) {
      const bad = await runScript(cmd, cmd === 'install' ? NAMES : [], sandbox.env);
      assert.equal(bad.code, 1, cmd);
      assert.match(
        bad.stderr,
        /plan\.json cannot be read \(.*\), and it cannot be rebuilt from the servers' configs: a server config does not name its server and ports/,
      );
      assert.match(bad.stderr, /fix: npx zx scripts\/delete\.mjs/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    }
    const del = await runScript('delete', [], sandbox.env);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout + del.stderr, /finding its processes by their command lines/);
    assert.deepEqual(processesMentioning(`${sandbox.dir}/`), []);
    assert.equal(existsSync(sandbox.dir), false);
  });
});
