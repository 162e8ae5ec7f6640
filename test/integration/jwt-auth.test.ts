// Operator mode (install --auth jwt), judged from outside: the servers and the real nats CLI with
// the creds the sandbox generated. Each identity may do what its mTLS twin may and is refused
// what it is refused; a certificate alone no longer gets in; a user added live works everywhere
// at once, and a revoked user is refused by every server within the time accounts.mjs measures.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { DrillReport } from '../../cluster/local/drill/report.js';
import type { LocalState } from '../../cluster/local/plan.js';
import { isListenerKey } from '../../cluster/local/ports.js';
import { jwtPaths } from '../../core/jwt-store.js';
import { pkiPaths } from '../../core/pki.js';
import { IDENTITIES, type Identity } from '../../nats/accounts.js';
import { contextName, contextPrefix } from '../../nats/cli-contexts.js';
import { makeSandbox, parseJson, type ProgramRun as Run, runProgram as run, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { natsCli } from '../support/tools.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const SERVERS = 12;

describe('operator mode (install --auth jwt)', { timeout: 600_000 }, () => {
  let sandbox: Sandbox;
  let installMs = 0;
  let installed: Run;
  let bin: string | undefined;
  let cliEnv: NodeJS.ProcessEnv;
  const context = (id: Identity) => contextName(contextPrefix(sandbox.dir), 'c1', id);
  const nats = (id: Identity, args: string[]) => run(bin!, ['--context', context(id), ...args], cliEnv);
  /** natscli against one server's own client port with a creds file (no context). */
  const natsAt = (url: string, creds: string, args: string[]) =>
    run(bin!, ['--server', url, '--tlsca', pkiPaths(sandbox.dir).caCert, '--creds', creds, ...args], cliEnv);
  const state = () => parseJson<LocalState>(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8'));
  /** The servers' own ports, without their listeners' slots (c1-nats-0/websocket). */
  const serverPorts = () => Object.entries(state().ports).filter(([k]) => !isListenerKey(k));
  const serverNames = () => serverPorts().map(([k]) => k);
  const clientUrls = () => serverPorts().map(([, p]) => `nats://127.0.0.1:${p.client}`);

  before(async () => {
    sandbox = makeSandbox(portBase('jwt'));
    const r = await runScript('install', [...NAMES, '--auth', 'jwt', ...SMALL], sandbox.env, 300_000);
    installMs = r.ms;
    installed = r;
  });
  after(async () => {
    await sandbox.cleanup();
  });

  /** The pinned nats CLI with contexts for every identity (once), or a skip. */
  async function cli(t: TestContext): Promise<boolean> {
    bin ??= await natsCli(t);
    if (!bin) return false;
    if (!cliEnv) {
      const home = join(sandbox.dir, '..', 'natscli-home');
      mkdirSync(home, { recursive: true });
      cliEnv = {
        PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'xdg'),
        NO_COLOR: '1',
      };
      const printed = await runScript('contexts', ['c1', '--identity', 'all'], sandbox.env);
      assert.equal(printed.code, 0, printed.stderr);
      const added = await run('sh', [], cliEnv, 60_000, printed.stdout);
      assert.equal(added.code, 0, added.stdout + added.stderr);
    }
    return true;
  }

  it('installs and verifies: status OK, the choice kept by the sandbox', async () => {
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    process.stderr.write(`# install --auth jwt (12 servers) took ${(installMs / 1000).toFixed(1)} s\n`);
    assert.equal(state().auth, 'jwt');
    const status = await runScript('status', [], sandbox.env, 60_000);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout + status.stderr, /OK: 12 servers in 4 NATS clusters/);
  });

  it('keeps keys and creds private and configures every server with the operator, not with users', () => {
    const p = jwtPaths(sandbox.dir);
    for (const f of [p.operatorSeed, p.signingSeed('APP'), ...IDENTITIES.map((id) => p.creds(id))])
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    for (const name of serverNames()) {
      const conf = readFileSync(join(sandbox.dir, 'local', 'servers', name, 'nats-server.conf'), 'utf8');
      assert.match(conf, /^operator: "ey/m, name);
      assert.match(conf, /^resolver: \{\n\s+type: "full"/m, name);
      assert.doesNotMatch(conf, /verify_and_map|^accounts:/m, name);
    }
  });

  it('the system user sees every server; the admin does not', async (t) => {
    if (!(await cli(t))) return;
    const list = await nats('sys', ['server', 'list', String(SERVERS), '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(parseJson<unknown[]>(list.stdout).length, SERVERS);
    const asAdmin = await nats('admin', ['server', 'list', '--timeout', '1s']);
    assert.equal(asAdmin.code, 1);
  });

  it('the admin runs JetStream: the streams of stage 07 are there', async (t) => {
    if (!(await cli(t))) return;
    const ls = await nats('admin', ['stream', 'ls', '--names']);
    assert.equal(ls.code, 0, ls.stderr);
    for (const s of ['answers', 'events-c1', 'events-all']) assert.match(ls.stdout, new RegExp(`^${s}$`, 'm'));
  });

  it('the requester asks math, but may not publish to $SRV', async (t) => {
    if (!(await cli(t))) return;
    const asked = await nats('requester', ['req', 'math.numbers.add', '{"first":1,"second":2}', '--raw']);
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(asked.stdout, /"result":3\b/);
    const refused = await nats('requester', ['pub', '$SRV.PING', 'x']);
    assert.match(refused.stderr, /Permissions Violation for Publish to "\$SRV\.PING"/);
  });

  it('a math service may not publish answers; the recorder may not ask math but reads its consumer', async (t) => {
    if (!(await cli(t))) return;
    const math = await nats('math', ['pub', 'answers.significant', '{}']);
    assert.match(math.stderr, /Permissions Violation for Publish to "answers\.significant"/);
    const recorder = await nats('recorder', ['req', 'math.numbers.add', '{"first":1,"second":2}', '--timeout', '2s']);
    assert.match(recorder.stderr, /Permissions Violation for Publish to "math\.numbers\.add"/);
    const info = await nats('recorder', ['consumer', 'info', 'answers', 'answers-consumer', '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(parseJson<{ name: string }>(info.stdout).name, 'answers-consumer');
  });

  it('a client certificate alone no longer gets in', async (t) => {
    if (!(await cli(t))) return;
    const dir = pkiPaths(sandbox.dir).client('admin');
    const r = await run(
      bin!,
      [
        '--server',
        clientUrls()[0]!,
        '--tlsca',
        join(dir, 'ca.crt'),
        '--tlscert',
        join(dir, 'tls.crt'),
        '--tlskey',
        join(dir, 'tls.key'),
        'pub',
        'x',
        'y',
      ],
      cliEnv,
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Authorization Violation/i);
  });

  it('a user added live works on every server at once, with the permissions asked for', async (t) => {
    if (!(await cli(t))) return;
    const added = await runScript('accounts', ['add-user', 'alice', '--like', 'requester', '--json'], sandbox.env);
    assert.equal(added.code, 0, added.stderr);
    const creds = parseJson<{ creds: string }>(added.stdout).creds;
    assert.equal(statSync(creds).mode & 0o777, 0o600);
    for (const url of clientUrls()) {
      const ok = await natsAt(url, creds, ['pub', 'answers.throwaway', '{}']);
      assert.equal(ok.code, 0, `${url}: ${ok.stderr}`);
    }
    const refused = await natsAt(clientUrls()[0]!, creds, ['pub', '$SRV.PING', 'x']);
    assert.match(refused.stderr, /Permissions Violation for Publish to "\$SRV\.PING"/);
  });

  it('a revoked user is refused by every server within the time measured, without a restart', async (t) => {
    if (!(await cli(t))) return;
    const added = await runScript('accounts', ['add-user', 'bob', '--json'], sandbox.env);
    assert.equal(added.code, 0, added.stderr);
    const creds = parseJson<{ creds: string }>(added.stdout).creds;
    const kept = readFileSync(creds);
    const pids = () => readFileSync(join(sandbox.dir, 'local', 'servers', 'c1-nats-0', 'pid'), 'utf8').trim();
    const before = pids();
    const revoked = await runScript('accounts', ['revoke', 'bob', '--json'], sandbox.env, 120_000);
    assert.equal(revoked.code, 0, revoked.stderr);
    const r = parseJson<{
      servers: number;
      pushedTo: number;
      closedAfterMs: Record<string, number>;
      lastClosedMs: number;
      refusedAfterMs: Record<string, number>;
      lastRefusedMs: number;
    }>(revoked.stdout);
    process.stderr.write(
      `# revoked: every one of ${r.servers} servers closed the user's connection, the last after ${r.lastClosedMs} ms; a new one refused by all, checked by ${r.lastRefusedMs} ms\n`,
    );
    // Within the command's own bound (--timeout-seconds), or it fails: no wall-clock limit here.
    assert.equal(r.servers, SERVERS);
    assert.equal(r.pushedTo, SERVERS);
    assert.deepEqual(Object.keys(r.closedAfterMs).sort(), serverNames().sort(), 'every server closed its connection');
    assert.deepEqual(Object.keys(r.refusedAfterMs).sort(), serverNames().sort(), 'every server refused a new one');
    // natscli, with the creds as they were, on each server's own port
    const old = join(sandbox.dir, '..', 'bob-old.creds');
    writeFileSync(old, kept, { mode: 0o600 });
    for (const url of clientUrls()) {
      const refused = await natsAt(url, old, ['pub', 'answers.throwaway', '{}']);
      assert.notEqual(refused.code, 0, url);
      assert.match(refused.stderr, /Authorization Violation|revoked/i, url);
    }
    assert.equal(pids(), before, 'no server restarted');
    const status = await runScript('status', [], sandbox.env, 60_000);
    assert.equal(status.code, 0, status.stdout + status.stderr);
  });

  it('drill revoke: a user carrying part of the load is revoked under it; closed everywhere, refused, nothing acknowledged lost', async () => {
    const r = await runScript('drill', ['revoke', '--seconds', '10', '--concurrency', '2', '--json'], sandbox.env, 240_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = parseJson<DrillReport>(r.stdout);
    const m = report.fault.measured as {
      user: string;
      servers: number;
      pushedTo: number;
      lastClosedMs: number;
      closedAfterMs: Record<string, number>;
      refusedAfterMs: Record<string, number>;
    };
    process.stderr.write(
      `# drill revoke: ${m.user}'s connections closed by all ${m.servers} servers, the last after ${m.lastClosedMs} ms; ${report.acked.total} acked, ${report.ackedButMissing} missing, ${report.duplicates} duplicates\n`,
    );
    assert.equal(report.drill, 'revoke');
    assert.equal(m.servers, SERVERS);
    assert.equal(m.pushedTo, SERVERS);
    assert.deepEqual(Object.keys(m.closedAfterMs).sort(), serverNames().sort(), 'every server closed its connection');
    assert.deepEqual(Object.keys(m.refusedAfterMs).sort(), serverNames().sort(), 'every server refused a new one');
    // The drill user's own load clients asked, then stopped with their connections; the requester's went on.
    const own = report.regions.filter((g) => g.region.endsWith(` as ${m.user}`));
    assert.equal(own.length, NAMES.length);
    assert.ok(
      own.every((g) => g.sent > 0),
      'the revoked user carried load before',
    );
    assert.ok(report.regions.filter((g) => NAMES.includes(g.region)).every((g) => g.answered > 0));
    assert.equal(report.ackedButMissing, 0, report.missingExamples.join(', '));
    assert.equal(report.duplicates, 0, report.duplicateExamples.join(', '));
    assert.equal(report.ok, true, report.failures.join('; '));
    assert.equal(existsSync(jwtPaths(sandbox.dir).creds(m.user)), false, 'its creds file is gone');
  });

  it("changes the application account's JetStream storage limit live", async (t) => {
    if (!(await cli(t))) return;
    const changed = await runScript('accounts', ['limits', '--js-disk-mb', '512', '--json'], sandbox.env);
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(parseJson<{ pushedTo: number }>(changed.stdout).pushedTo, SERVERS);
    // The account's JetStream API says what its servers enforce now (natscli 0.5 has no account info --json).
    const info = await nats('admin', ['req', '$JS.API.INFO', '', '--raw']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(parseJson<{ limits: { max_storage: number } }>(info.stdout).limits.max_storage, 512 * 1024 ** 2);
  });

  it("limits the application account's connections live, and lifts the limit again", async (t) => {
    if (!(await cli(t))) return;
    // The services hold connections of the account already: one more is over a limit of 1.
    const limited = await runScript('accounts', ['limits', '--max-connections', '1'], sandbox.env);
    assert.equal(limited.code, 0, limited.stderr);
    const refused = await nats('admin', ['pub', 'answers.throwaway', '{}']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /maximum account active connections exceeded/);
    const lifted = await runScript('accounts', ['limits', '--max-connections', 'unlimited'], sandbox.env);
    assert.equal(lifted.code, 0, lifted.stderr);
    const ok = await nats('admin', ['pub', 'answers.throwaway', '{}']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('refuses bad input with exit 2 and changes nothing', async () => {
    const before = readFileSync(jwtPaths(sandbox.dir).accountJwt('APP'), 'utf8');
    for (const args of [['revoke', 'nobody'], ['limits', 'SYS', '--js-disk-mb', '1'], ['add-user', 'admin'], ['frobnicate'], ['limits']]) {
      const r = await runScript('accounts', args, sandbox.env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
    const bad = await runScript('install', [...NAMES, '--auth', 'kerberos'], sandbox.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--auth must be one of mtls, jwt; got 'kerberos'/);
    // Its JetStream account would change identity: the sandbox keeps its choice.
    const flip = await runScript('06-supercluster', [...NAMES, '--auth', 'mtls'], sandbox.env);
    assert.equal(flip.code, 2, flip.stdout + flip.stderr);
    assert.match(flip.stderr, /this sandbox runs --auth jwt; it cannot change to mtls/);
    assert.equal(state().auth, 'jwt');
    assert.deepEqual(state().names, NAMES);
    assert.equal(readFileSync(jwtPaths(sandbox.dir).accountJwt('APP'), 'utf8'), before);
  });
});
