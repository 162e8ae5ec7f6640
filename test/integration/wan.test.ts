// The WAN layer on a small sandbox: the configured delay is what NATS sees, a new delay is applied
// without restarting anything, a partition isolates a region while every process runs and heals,
// and bad input changes nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type LocalState, readLocalState } from '../../cluster/local/state.js';
import { localClientEnv } from '../../cluster/local/supercluster.js';
import { isAlive } from '../../core/lock.js';
import { loadCredentials } from '../../core/secrets.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { requestRtt } from '../../nats/live/rtt.js';
import { resolveTopology } from '../../nats/topology.js';
import { makeSandbox, processesMentioning, runScript, type Sandbox } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

describe('WAN layer (local provider)', () => {
  let sandbox: Sandbox;
  const open: NatsConnection[] = [];

  const pidsOf = () => {
    const root = join(sandbox.dir, 'local');
    return [
      ...Object.keys(readLocalState(sandbox.dir)!.ports).map((n) => Number(readFileSync(join(root, 'servers', n, 'pid'), 'utf8'))),
      Number(readFileSync(join(root, 'wan', 'router', 'pid'), 'utf8')),
    ];
  };

  /** A connection as admin to a region's seed server. */
  async function client(region: string): Promise<NatsConnection> {
    const state = readLocalState(sandbox.dir)!;
    const topo = resolveTopology({ names: [], saved: state });
    const nc = await connect({
      ...connectionFromEnv(localClientEnv(topo, state, loadCredentials(sandbox.dir, {}, false), 'admin', region)),
      maxReconnectAttempts: -1,
    });
    open.push(nc);
    return nc;
  }

  async function statusUntil(code: number, tries = 40) {
    for (let i = 0; ; i++) {
      const r = await runScript('status', [], sandbox.env);
      if (r.code === code || i >= tries) return r;
      await new Promise((res) => setTimeout(res, 500));
    }
  }

  before(async () => {
    sandbox = makeSandbox(portBase('wan'));
    const r = await runScript('06-supercluster', [...NAMES, ...SMALL, '--wan', '40ms'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // The supercluster forms over the slow links themselves (2.14 needs no fast start), and converges.
    assert.match(r.stdout, /WAN layer: every pair 40 ms on 7 links\n/);
    assert.match(r.stdout, /converged in .*: OK: 12 servers/);
  });
  after(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await sandbox.cleanup();
  });

  it('a 40 ms pair costs at least 40 ms per request across it, at the NATS level; inside a region nothing', async () => {
    const [c1, c2, c1b] = await Promise.all([client('c1'), client('c2'), client('c1')]);
    const across = await requestRtt(c1, c2, 20);
    const inside = await requestRtt(c1, c1b, 20);
    // The router holds each way for half the round trip (timers aim up to 1 ms early); what a busy
    // machine adds on top is not the WAN's, so only a gross excess fails (bench/wan.mjs measures it).
    assert.ok(across.p50 >= 36 && across.p50 <= 60, `c1 -> c2 p50 ${across.p50.toFixed(1)} ms`);
    assert.ok(inside.p50 < 10, `c1 -> c1 p50 ${inside.p50.toFixed(1)} ms`);
  });

  it('a re-run with other delays applies them without restarting a process', async () => {
    const before = pidsOf();
    const r = await runScript('06-supercluster', [...NAMES, '--wan', 'c1-c2=80ms,c1-c3=0ms,c2-c3=0ms'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /applied without restarting anything/);
    assert.deepEqual(pidsOf(), before);
    assert.deepEqual(readLocalState(sandbox.dir)!.wan, { 'c1~c2': 80, 'c1~c3': 0, 'c2~c3': 0 });
    const [c1, c2, c3] = await Promise.all([client('c1'), client('c2'), client('c3')]);
    const slow = await requestRtt(c1, c2, 10);
    const fast = await requestRtt(c1, c3, 10);
    assert.ok(slow.p50 >= 72 && slow.p50 <= 88, `c1 -> c2 p50 ${slow.p50.toFixed(1)} ms at 80 ms`);
    assert.ok(fast.p50 < 10, `c1 -> c3 p50 ${fast.p50.toFixed(1)} ms at 0 ms`);
  });

  it('bad input is refused and changes nothing', async () => {
    const plan = readFileSync(join(sandbox.dir, 'plan.json'), 'utf8');
    const links = readFileSync(join(sandbox.dir, 'local', 'wan', 'router', 'links.json'), 'utf8');
    const cases: [string, string[], RegExp][] = [
      ['06-supercluster', [...NAMES, '--wan', 'c1-c9=3ms'], /does not name two sites of this sandbox/],
      ['06-supercluster', [...NAMES, '--wan=-3ms'], /cannot be negative/],
      ['06-supercluster', [...NAMES, '--wan', 'c1-c2=3ms,c2-c1=5ms'], /more than once/],
      ['partition', ['c1', 'c2', 'c3'], /cutting off every region/],
      ['partition', ['c9'], /not a cluster of this sandbox: c9/],
      ['partition', ['c3', '--from', 'c3'], /cannot be cut off from itself/],
      [
        '06-supercluster',
        [...NAMES, '--provider', 'kube', '--context', 'c1=a', '--context', 'c2=b', '--context', 'c3=c', '--wan', '40ms'],
        /kube clusters have a network of their own/,
      ],
    ];
    for (const [script, args, why] of cases) {
      const r = await runScript(script, args, sandbox.env);
      assert.equal(r.code, 2, `${script} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, why);
    }
    assert.equal(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8'), plan);
    assert.equal(readFileSync(join(sandbox.dir, 'local', 'wan', 'router', 'links.json'), 'utf8'), links);
  });

  it('a partition cuts a region off while every process runs; status names it; healing restores the supercluster', async () => {
    const before = pidsOf();
    const [c1, c2, c3] = await Promise.all([client('c1'), client('c2'), client('c3')]);
    const cut = await runScript('partition', ['c3'], sandbox.env);
    assert.equal(cut.code, 0, cut.stdout + cut.stderr);
    assert.match(cut.stdout, /c3 cut off from c1, c2/);
    assert.ok(before.every(isAlive), 'every process still runs');
    await assert.rejects(requestRtt(c1, c3, 1, 0), 'c1 cannot reach a responder in c3');
    // c1 still reaches c2, through the same 80 ms link as before the cut.
    const c1c2 = await requestRtt(c1, c2, 3, 0);
    assert.ok(c1c2.p50 >= 72, `c1 -> c2 p50 ${c1c2.p50.toFixed(1)} ms during the cut, at 80 ms`);
    const during = await statusUntil(1, 0);
    assert.equal(during.code, 1);
    assert.match(during.stdout, /c3 is cut off from c1, c2 by partition.mjs/);
    const heal = await runScript('partition', ['--heal'], sandbox.env);
    assert.equal(heal.code, 0, heal.stdout + heal.stderr);
    const after = await statusUntil(0);
    assert.equal(after.code, 0, after.stdout + after.stderr);
    const back = await requestRtt(c1, c3, 3);
    assert.equal(back.samples.length, 3, 'c1 reaches c3 again: every request answered');
    assert.deepEqual(pidsOf(), before, 'nothing restarted');
  });

  it('a killed WAN router is the first and only cause status names; stage 06 starts it again and nothing else', async () => {
    const before = pidsOf();
    const router = before.at(-1)!;
    process.kill(router, 'SIGKILL');
    while (isAlive(router)) await new Promise((r) => setTimeout(r, 50));
    const broken = await runScript('status', [], sandbox.env);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stdout,
      /NOT OK: 1 problem\(s\):\n {2}- the WAN router is not running: no connection crosses regions; fix: npx zx scripts\/06-supercluster\.mjs/,
    );
    // The requester fails at once with that cause, instead of retrying publishes for minutes.
    const asked = await runScript('request', ['--from', 'c1', '--count', '5'], sandbox.env);
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, /not asking: the WAN router is not running: no connection crosses regions; fix: /);
    const fixed = await runScript('06-supercluster', [...NAMES], sandbox.env);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const after = pidsOf();
    assert.deepEqual(after.slice(0, -1), before.slice(0, -1), 'no server restarted');
    assert.notEqual(after.at(-1), router);
    assert.equal((await statusUntil(0)).code, 0);
  });

  it('--wan off links the regions directly again (the router stops) and partitions are refused with the way back', async () => {
    const router = pidsOf().at(-1)!;
    const r = await runScript('06-supercluster', [...NAMES, '--wan', 'off'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /WAN layer off: router stopped/);
    assert.ok(!isAlive(router));
    assert.equal((readLocalState(sandbox.dir) as LocalState).wan, undefined);
    const p = await runScript('partition', ['c3'], sandbox.env);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /linked directly.*\nfix: npx zx scripts\/06-supercluster.mjs c1 c2 c3 --wan 0ms/);
  });

  it('delete leaves no process behind', async () => {
    const r = await runScript('delete', [], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(processesMentioning(`${sandbox.dir}/`), []);
  });
});

describe('WAN setting: flags change a sandbox, .env shapes a new one', () => {
  let sandbox: Sandbox;
  before(() => {
    sandbox = makeSandbox(portBase('wan') + 500, { WAN: '30ms' });
  });
  after(async () => {
    await sandbox.cleanup();
  });

  it('WAN in the environment makes a new sandbox with the layer; a flag changes it; WAN no longer does', async () => {
    const every = (ms: number) => ({ 'c1~c2': ms, 'c1~c3': ms, 'c2~c3': ms });
    const first = await runScript('01-clusters', NAMES, sandbox.env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(readLocalState(sandbox.dir)!.wan, every(30));
    assert.equal(
      Object.keys(readLocalState(sandbox.dir)!.links!).length,
      4 + 9,
      'a gateway link per cluster, a route link per xr-js server',
    );
    const flagged = await runScript('01-clusters', [...NAMES, '--wan', '10ms'], { ...sandbox.env, WAN: '50ms' });
    assert.equal(flagged.code, 0, flagged.stdout + flagged.stderr);
    assert.deepEqual(readLocalState(sandbox.dir)!.wan, every(10));
    const again = await runScript('01-clusters', NAMES, { ...sandbox.env, WAN: '50ms' });
    assert.equal(again.code, 0);
    assert.deepEqual(readLocalState(sandbox.dir)!.wan, every(10), 'the sandbox keeps its value');
    const off = await runScript('01-clusters', [...NAMES, '--wan', 'off'], sandbox.env);
    assert.equal(off.code, 0);
    assert.equal(readLocalState(sandbox.dir)!.wan, undefined);
    assert.equal(readLocalState(sandbox.dir)!.links, undefined);
  });

  it('a bad WAN in the environment is named before anything is made', async () => {
    const fresh = makeSandbox(portBase('wan') + 600, { WAN: 'c1-c7=5ms' });
    try {
      const r = await runScript('install', NAMES, fresh.env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /WAN \(.env or the environment\): 'c1-c7' does not name two sites of this sandbox/);
      assert.equal(readLocalState(fresh.dir), undefined);
    } finally {
      await fresh.cleanup();
    }
  });
});
