// Drills on one small sandbox (c1 c2 c3, one server per role) installed once for the file: each
// kind that needs no WAN layer runs a short load with its fault and reports nothing acknowledged
// lost or stored twice, and a healthy sandbox again; an interrupted drill restores its fault; bad
// input is refused with exit 2 and changes nothing, on this sandbox and on an empty one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DrillReport } from '../../cluster/local/drill/report.js';
import { pidFilesUnder } from '../../cluster/local/processes.js';
import { readLinks } from '../../cluster/local/wan/control.js';
import { poll } from '../../core/poll.js';
import { makeSandbox, parseJson, ROOT, runScript, type Sandbox, TEST_AUTH } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const BASE = portBase('drill');

/** What must not change when a drill is refused: the saved state and every process the sandbox runs. */
function snapshot(dir: string): { plan: string; pids: string[]; lock: boolean } {
  const pids = pidFilesUnder(dir)
    .map((f) => {
      const pid = readFileSync(f, 'utf8').trim();
      return `${f.slice(dir.length)} ${pid} ${existsSync(`/proc/${pid}`) ? 'alive' : 'dead'}`;
    })
    .sort();
  return { plan: readFileSync(join(dir, 'plan.json'), 'utf8'), pids, lock: existsSync(join(dir, 'lock')) };
}

function assertGood(r: DrillReport, kind: string): void {
  assert.equal(r.drill.split(' ')[0], kind);
  assert.ok(r.totals.answered > 0, 'answers came');
  assert.ok(r.acked.significant > 0, 'publishes were acknowledged');
  assert.ok(r.rows >= r.acked.significant - r.ackedButMissing, 'rows for the acked answers');
  assert.equal(r.ackedButMissing, 0, `acked but missing: ${r.missingExamples.join(', ')}`);
  assert.equal(r.duplicates, 0, `duplicates: ${r.duplicateExamples.join(', ')}`);
  assert.ok(
    r.streamMessages !== undefined && r.streamMessages >= r.acked.total,
    `the stream was read back, every acked answer in it: ${r.streamMessages} messages read for ${r.acked.total} acked (${r.streamError ?? 'read whole'})`,
  );
  assert.equal(r.healthyAgain, true, `not healthy again: ${(r.unhealthy ?? []).join('; ')}`);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.deepEqual(Object.keys(r.matrix).sort(), NAMES);
}

describe('drills', () => {
  let sandbox: Sandbox;
  let empty: Sandbox;

  async function drill(args: string[]): Promise<{ code: number; report?: DrillReport; stdout: string; stderr: string }> {
    // Two requests in flight per region: enough to see every gap, light on a shared 2-core machine.
    const r = await runScript('drill', [...args, '--concurrency', '2', '--json'], sandbox.env, 240_000);
    return { ...r, ...(r.code !== 2 && r.stdout.trim() ? { report: parseJson<DrillReport>(r.stdout) } : {}) };
  }

  before(async () => {
    sandbox = makeSandbox(BASE, { LOCAL_MYSQL_PORT: String(BASE + 900), MYSQL_URL: '' });
    empty = makeSandbox(BASE + 500, { LOCAL_MYSQL_PORT: String(BASE + 901), MYSQL_URL: '' });
    const r = await runScript('install', [...NAMES, ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await sandbox?.cleanup();
    await empty?.cleanup();
  });

  it('refuses a drill on a sandbox that is not installed, with the install command, creating nothing', async () => {
    const r = await runScript('drill', ['leader-kill'], empty.env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no local sandbox in .*: a drill needs an installed one\nfix: npx zx scripts\/install\.mjs c1 c2 c3/);
    const bad = await runScript('drill', ['earthquake'], empty.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown drill 'earthquake'/);
    assert.equal(existsSync(empty.dir), false, 'no sandbox folder, no lock, nothing');
  });

  it('refuses bad input with exit 2 and changes nothing on an installed sandbox', async () => {
    const was = snapshot(sandbox.dir);
    assert.ok(was.pids.length >= 16 && was.pids.every((p) => p.endsWith('alive')), was.pids.join('\n'));
    const cases: [string[], RegExp][] = [
      [
        ['earthquake'],
        /unknown drill 'earthquake'; the kinds are region-loss, partition, leader-kill, server-kill, mysql-outage, slow-wan/,
      ],
      [[], /which drill\?/],
      [['region-loss', 'c9'], /not a cluster of this sandbox: c9 \(it has c1, c2, c3\)/],
      [['region-loss'], /region-loss needs the region\(s\) to lose/],
      [['region-loss', 'c1', 'c2', 'c3'], /region-loss of every region/],
      [['partition', 'c3', 'c1', 'c2'], /partition of every region/],
      [['server-kill', '0'], /server-kill N must be a whole number >= 1/],
      [['server-kill', '13'], /server-kill 13: this sandbox has only 12 servers/],
      [['mysql-outage', '0'], /mysql-outage SECONDS must be a whole number from 1/],
      [['mysql-outage', '2.5'], /mysql-outage SECONDS must be a whole number from 1/],
      [['leader-kill', '--seconds', '2'], /--seconds must be a whole number from 3/],
      [['leader-kill', '--replicas', 'seed=2'], /--replicas is for install/],
      [['leader-kill', '--dry-run'], /cannot be dry-run/],
    ];
    for (const [args, message] of cases) {
      const r = await runScript('drill', args, sandbox.env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const external = await runScript('drill', ['mysql-outage', '3'], { ...sandbox.env, MYSQL_URL: 'mysql://u:p@127.0.0.1:3306/answers' });
    assert.equal(external.code, 2);
    assert.match(external.stderr, /MYSQL_URL points the recorders at a server of your own/);
    assert.deepEqual(snapshot(sandbox.dir), was);
  });

  it('refuses revoke on an mTLS sandbox, naming --auth jwt, and changes nothing', {
    skip: TEST_AUTH === 'jwt' && 'the sandbox runs in operator mode (TEST_AUTH=jwt): revoke runs there',
  }, async () => {
    const was = snapshot(sandbox.dir);
    const r = await runScript('drill', ['revoke'], sandbox.env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /revoke revokes a user live, which needs operator mode; this sandbox runs mTLS.*\nfix: .*install\.mjs c1 c2 c3 --auth jwt/,
    );
    assert.deepEqual(snapshot(sandbox.dir), was);
  });

  it('refuses partition and slow-wan on a sandbox without the WAN layer, naming --wan', async () => {
    const was = snapshot(sandbox.dir);
    for (const args of [['partition', 'c3'], ['slow-wan']]) {
      const r = await runScript('drill', args, sandbox.env);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /needs the WAN layer: .* linked directly.*\nfix: npx zx scripts\/06-supercluster\.mjs c1 c2 c3 --wan 0ms/);
    }
    assert.deepEqual(snapshot(sandbox.dir), was);
  });

  it('region-loss c3: the other regions go on, c3 comes back, nothing acknowledged is lost', async () => {
    const { code, report, stderr } = await drill(['region-loss', 'c3', '--seconds', '6']);
    assert.ok(report, stderr);
    assertGood(report, 'region-loss');
    assert.equal(code, 0);
    assert.match(report.fault.actions.join('\n'), /stopped region c3: 4 servers and 1 service processes/);
    const c1 = report.regions.find((g) => g.region === 'c1')!;
    assert.ok(c1.answered > 0);
    // c3's requester loses its servers with the region: its longest silence spans the outage.
    const c3 = report.regions.find((g) => g.region === 'c3')!;
    assert.ok(c3.longestGap.fromMs <= report.fault.restoredAtMs && c3.longestGap.toMs >= report.fault.appliedAtMs);
  });

  it('leader-kill: the answers stream leader and the meta leader are killed and healed', async () => {
    const { code, report, stderr } = await drill(['leader-kill', '--seconds', '6']);
    assert.ok(report, stderr);
    assertGood(report, 'leader-kill');
    assert.equal(code, 0);
    assert.match(report.fault.actions.join('\n'), /answers stream leader: c\d-xr-js-nats-0; JetStream meta leader: c\d-(xr-)?js-nats-0/);
    assert.match(report.fault.actions.join('\n'), /kill -9 c\d-/);
  });

  it('server-kill 1: the server the seed picks is killed and healed', async () => {
    const { code, report, stderr } = await drill(['server-kill', '1', '--seconds', '6', '--seed', '4']);
    assert.ok(report, stderr);
    assertGood(report, 'server-kill');
    assert.equal(code, 0);
    assert.match(report.fault.actions[0]!, /^kill -9 c\d-[a-z-]+-0 \(pid \d+\)$/);
  });

  it('mysql-outage 3: the recorder hands answers back while MariaDB is down and stores them all after', async () => {
    const { code, report, stderr } = await drill(['mysql-outage', '3', '--seconds', '5']);
    assert.ok(report, stderr);
    assertGood(report, 'mysql-outage');
    assert.equal(code, 0);
    assert.ok(report.fault.restoredAtMs - report.fault.appliedAtMs >= 3000, 'down for its SECONDS');
  });

  it('an interrupted drill restores its fault and exits 130', async () => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'zx'),
      [join(ROOT, 'scripts', 'drill.mjs'), 'region-loss', 'c2', '--seconds', '12'],
      {
        cwd: ROOT,
        env: { ...process.env, FORCE_COLOR: '0', PROVIDER: 'local', ...sandbox.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const faulted = await poll({
      timeoutMs: 120_000,
      intervalMs: 100,
      attempt: async () => (/fault at .*stopped region c2/.test(out) ? true : undefined),
    });
    assert.ok(faulted.value, out);
    child.kill('SIGINT');
    assert.equal(await exited, 130, out);
    assert.match(out, /SIGINT: stopping the drill and restoring the fault/);
    assert.match(out, /restored in/);
    // The restore reconciled and waited for convergence; status agrees (given a moment for discovery).
    const healthy = await poll({
      timeoutMs: 30_000,
      intervalMs: 500,
      attempt: async () => ((await runScript('status', ['--json'], sandbox.env)).code === 0 ? true : undefined),
    });
    assert.ok(healthy.value, 'status is healthy after the interrupted drill');
    assert.equal(existsSync(join(sandbox.dir, 'lock')), false, 'the lock is released');
  });

  it('partition c3: cut off while it runs, healed after', async () => {
    // The WAN layer is switched on by a re-run of stage 06 (no reinstall): every drill above ran without it.
    const on = await runScript('06-supercluster', [...NAMES, '--wan', '0ms'], sandbox.env);
    assert.equal(on.code, 0, on.stdout + on.stderr);
    // Long enough that c3's publish window (256 answers) fills well within the cut, whatever the
    // machine's speed: the gap then shows the cut, not how fast c3 asks.
    const { code, report, stderr } = await drill(['partition', 'c3', '--seconds', '10']);
    assert.ok(report, stderr);
    assertGood(report, 'partition');
    assert.equal(code, 0);
    // The cut bit: c3's publishes need the stretched stream's quorum, which sits on the other side,
    // so its answers stop once its publish window is full (failed publishes, or a gap of a good
    // part of the cut: a third, since a busy machine answers slower and fills the window later;
    // uncut, a region's longest gap is a few hundred ms).
    const c3 = report.regions.find((r) => r.region === 'c3')!;
    const cutMs = report.fault.restoredAtMs - report.fault.appliedAtMs;
    assert.ok(
      (c3.failed.publish ?? 0) > 0 || c3.longestGap.ms >= cutMs / 3,
      `c3 went on as if nothing happened: ${JSON.stringify(c3)} (cut for ${cutMs} ms)`,
    );

    assert.deepEqual(readLinks(sandbox.dir)?.cut, [], 'no link left cut');
  });

  it('slow-wan 100: every pair slowed during the drill, the delays restored after', async () => {
    const before = readLinks(sandbox.dir)?.rttMs;
    const { code, report, stderr } = await drill(['slow-wan', '100', '--seconds', '6']);
    assert.ok(report, stderr);
    assertGood(report, 'slow-wan');
    assert.equal(code, 0);
    assert.deepEqual(readLinks(sandbox.dir)?.rttMs, before);
  });

  it('edge-partition e1 and edge-loss e1: the edge acknowledges while cut off, the hub gets each publish once', async () => {
    const none = await runScript('drill', ['edge-loss', 'e1'], sandbox.env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /this sandbox has no edge sites; install one with name@hub, e.g. e1@c1/);
    // An edge site added to the running sandbox, its link to its hub 20 ms long at the WAN layer.
    const add = await runScript('install', [...NAMES, 'e1@c1', '--wan', '0ms,c1-e1=20ms'], sandbox.env);
    assert.equal(add.code, 0, add.stdout + add.stderr);
    assert.equal(readLinks(sandbox.dir)?.rttMs['c1~e1'], 20);
    const unknown = await runScript('drill', ['edge-partition', 'e9'], sandbox.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /edge-partition e9: not an edge site of this sandbox \(it has e1\)/);

    const cut = await drill(['edge-partition', 'e1', '--seconds', '8']);
    assert.ok(cut.report, cut.stderr);
    assertGood(cut.report, 'edge-partition');
    const e = cut.report.edge!;
    assert.ok(e.acked > 0 && e.inHub && e.atEdge, JSON.stringify(e));
    // Store and forward: cut off from every region, the edge went on acknowledging publishes.
    const cutMs = cut.report.fault.restoredAtMs - cut.report.fault.appliedAtMs;
    assert.ok(
      e.longestGap.ms < cutMs,
      `the edge stopped acknowledging while cut off: ${JSON.stringify(e.longestGap)} in a ${cutMs} ms cut`,
    );
    assert.deepEqual([e.atEdge.ackedMissing, e.atEdge.duplicates, e.inHub.ackedMissing, e.inHub.duplicates], [0, 0, 0, 0]);
    assert.equal(typeof e.caughtUpAfterMs, 'number');
    assert.deepEqual(readLinks(sandbox.dir)?.cut, [], 'no link left cut');

    const lost = await drill(['edge-loss', 'e1', '--seconds', '8']);
    assert.ok(lost.report, lost.stderr);
    assertGood(lost.report, 'edge-loss');
    const l = lost.report.edge!;
    assert.ok(l.inHub && l.atEdge && l.acked > 0, JSON.stringify(l));
    assert.deepEqual([l.atEdge.ackedMissing, l.atEdge.duplicates, l.inHub.ackedMissing, l.inHub.duplicates], [0, 0, 0, 0]);
    // The restore brought the edge back where it was: its server, its leafnode, its domain.
    const status = await runScript('status', ['--json'], sandbox.env);
    assert.equal(status.code, 0, status.stdout + status.stderr);
  });
});
