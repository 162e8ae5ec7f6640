// The local provider end to end, with real nats-server processes: install, status, idempotent
// re-run, a killed server healed, a changed topology applied, delete leaving nothing behind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StatusJson } from '../../nats/report.js';
import { makeSandbox, parseJson, processesMentioning, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

function serverPid(sandbox: Sandbox, name: string): number {
  return Number(readFileSync(join(sandbox.dir, 'local', 'servers', name, 'pid'), 'utf8').trim());
}

async function status(sandbox: Sandbox, names: string[]): Promise<{ code: number; json: StatusJson }> {
  const r = await runScript('status', [...names, '--json'], sandbox.env);
  return { code: r.code, json: parseJson<StatusJson>(r.stdout) };
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8'); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local provider lifecycle (2 clusters, 1 server per role)', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = makeSandbox(portBase('localLifecycle'));
  });
  after(async () => {
    await sandbox.cleanup();
  });

  it('installs a converged supercluster and status proves it', async () => {
    const r = await runScript('install', ['c1', 'c2', ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /provider: local/);
    assert.match(r.stdout, /converged in .*OK: 8 servers in 3 NATS clusters, 4 with JetStream/);
    const s = await status(sandbox, ['c1', 'c2']);
    assert.equal(s.code, 0);
    assert.equal(s.json.ok, true, s.json.problems.join('\n'));
    assert.equal(s.json.servers.length, 8);
    assert.deepEqual(
      s.json.clusters.map((c) => [c.name, c.nodes, c.outgoingGateways, c.incomingGateways]),
      [
        ['c1', 3, 6, 5],
        ['c2', 3, 6, 5],
        ['xr-js', 2, 4, 6],
      ],
    );
    // inbound gateway connections land on gw servers only, as through the ingress
    for (const srv of s.json.servers.filter((x) => x.cluster !== 'xr-js' && !x.name.includes('-gw-'))) {
      assert.deepEqual(srv.inboundGateways, {}, `${srv.name} should take no inbound gateway`);
    }
    assert.ok(existsSync(join(sandbox.dir, 'secrets.json')));
    assert.equal(statSync(join(sandbox.dir, 'secrets.json')).mode & 0o777, 0o600);
  });

  it('changes nothing when run again with the servers up', async () => {
    const before = serverPid(sandbox, 'c1-js-nats-0');
    const r = await runScript('install', ['c1', 'c2', ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /8 servers in 3 NATS clusters: 8 unchanged/);
    assert.equal(serverPid(sandbox, 'c1-js-nats-0'), before);
  });

  it('keeps its ports when the environment asks for others: it says so and plans no restart', async () => {
    const moved = String(Number(sandbox.env.LOCAL_PORT_BASE) + 5000);
    const r = await runScript('06-supercluster', ['c1', 'c2', '--dry-run'], { ...sandbox.env, LOCAL_PORT_BASE: moved });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout + r.stderr,
      new RegExp(`LOCAL_PORT_BASE=${moved} is not used: this sandbox keeps its ports from ${sandbox.env.LOCAL_PORT_BASE}`),
    );
    assert.match(r.stdout, /8 servers in 3 NATS clusters: 8 unchanged/);
  });

  it('reports a dead server, and install heals it', async () => {
    const pid = serverPid(sandbox, 'c2-nats-0');
    process.kill(pid, 'SIGKILL');
    await waitGone(pid);
    const broken = await status(sandbox, ['c1', 'c2']);
    assert.equal(broken.code, 1);
    assert.equal(broken.json.ok, false);
    assert.match(broken.json.problems.join('\n'), /did not answer: c2-nats-0/);
    const r = await runScript('06-supercluster', ['c1', 'c2'], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 heal, 7 unchanged|7 unchanged, 1 heal/);
    assert.notEqual(serverPid(sandbox, 'c2-nats-0'), pid);
    assert.equal((await status(sandbox, ['c1', 'c2'])).json.ok, true);
  });

  it('applies a changed topology: a third cluster joins, existing servers are reconfigured', async () => {
    const r = await runScript('install', ['c1', 'c2', 'c3'], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /12 servers in 4 NATS clusters: (8 restart, 4 start|4 start, 8 restart)/);
    const s = await status(sandbox, ['c1', 'c2', 'c3']);
    assert.equal(s.json.ok, true, s.json.problems.join('\n'));
    assert.equal(s.json.servers.length, 12);
    const c1 = readFileSync(join(sandbox.dir, 'local', 'servers', 'c1-nats-0', 'nats-server.conf'), 'utf8');
    assert.match(c1, /name: "c3"/);
  });

  it('scales a role up and back down by more than half the meta group: the servers leave it first, no quorum lost', async () => {
    const up = await runScript('06-supercluster', ['c1', 'c2', 'c3', '--replicas', 'seed=1,js=3,gw=1,xr=1'], sandbox.env);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /18 servers in 4 NATS clusters/);
    // 12 JetStream servers to 6: stopped first, the 6 left could never elect a leader (quorum 7).
    const down = await runScript('06-supercluster', ['c1', 'c2', 'c3', '--replicas', 'seed=1,js=1,gw=1,xr=1'], sandbox.env);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /took 6 of 6 JetStream server\(s\) leaving the topology out of the meta group before stopping them/);
    const s = await status(sandbox, ['c1', 'c2', 'c3']);
    assert.equal(s.json.ok, true, s.json.problems.join('\n'));
    assert.equal(s.json.servers.length, 12);
  });

  it('delete of one region stops its processes; install of the rest re-forms the supercluster without it', async () => {
    const c3 = serverPid(sandbox, 'c3-nats-0');
    const r = await runScript('delete', ['c3'], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stopped and removed 4 servers of c3; run npx zx scripts\/install\.mjs c1 c2 to re-form/);
    await waitGone(c3);
    assert.equal(existsSync(join(sandbox.dir, 'local', 'servers', 'c3-nats-0')), false);
    assert.deepEqual(processesMentioning(join(sandbox.dir, 'local', 'servers', 'c3-')), []);
    const again = await runScript('06-supercluster', ['c1', 'c2'], sandbox.env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await status(sandbox, ['c1', 'c2'])).json.ok, true);
  });

  it('delete stops every process and removes the state', async () => {
    const r = await runScript('delete', ['c1', 'c2'], sandbox.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stopped \d+ process\(es\)/);
    assert.deepEqual(processesMentioning(sandbox.dir), []);
    assert.equal(existsSync(sandbox.dir), false);
    const s = await status(sandbox, ['c1']);
    assert.equal(s.code, 1);
  });
});

describe('local provider, the full default topology', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = makeSandbox(portBase('localFull'));
  });
  after(async () => {
    await sandbox.cleanup();
  });

  it('brings up 36 servers in 4 NATS clusters of 9 with 27/27 gateways each and 18 JetStream servers', async () => {
    const r = await runScript('install', ['c1', 'c2', 'c3'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = await status(sandbox, []);
    assert.equal(s.code, 0, s.json.problems.join('\n'));
    assert.equal(s.json.servers.length, 36);
    assert.equal(s.json.servers.filter((x) => x.jetstream).length, 18);
    for (const c of s.json.clusters) {
      assert.equal(c.nodes, 9, c.name);
      assert.equal(c.outgoingGateways, 27, c.name);
      assert.equal(c.incomingGateways, 27, c.name);
    }
    assert.ok(s.json.metaLeader);
    const table = await runScript('status', [], sandbox.env);
    assert.match(table.stdout, /Cluster Overview/);
    assert.match(table.stdout, /OK: 36 servers in 4 NATS clusters, 18 with JetStream/);
    const d = await runScript('delete', [], sandbox.env);
    assert.equal(d.code, 0);
    assert.deepEqual(processesMentioning(sandbox.dir), []);
    // What delete says it took is the whole command, not only its last step.
    const ms = (t: string) => (t.endsWith('ms') ? Number(t.slice(0, -2)) : Number(t.slice(0, -1)) * 1000);
    const stepTook = ms(/✔ delete \(local\) \(([\d.]+m?s)\)/.exec(d.stdout)?.[1] ?? 'NaNs');
    const allTook = ms(/deleted in ([\d.]+m?s) since the command started/.exec(d.stdout)?.[1] ?? 'NaNs');
    assert.ok(
      allTook >= stepTook && allTook <= d.ms + 100,
      `step ${stepTook} ms, all ${allTook} ms, seen by the test ${Math.round(d.ms)} ms`,
    );
  });
});
