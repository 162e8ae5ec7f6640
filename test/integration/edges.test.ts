// Edge sites on the local provider: `install c1 c2 c3 e1@c1` runs a leaf server of domain e1
// connected to c1 over TLS; status and the real nats CLI's leafnode report agree on where it is
// connected; with its hub's server gone it fails over to its fallback region and keeps working.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { readLocalState } from '../../cluster/local/state.js';
import { localClientEnv } from '../../cluster/local/supercluster.js';
import { poll } from '../../core/poll.js';
import { loadCredentials } from '../../core/secrets.js';
import { contextName, contextPrefix } from '../../nats/cli-contexts.js';
import { clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { resolveTopology } from '../../nats/topology.js';
import { assertStoreAndForward } from '../support/edge-forward.js';
import { makeSandbox, parseJson, runScript } from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { natsCli } from '../support/tools.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

interface EdgeJson {
  ok: boolean;
  problems: string[];
  edges: { name: string; answered: boolean; leafs: { server: string; account: string }[]; domain?: string }[];
}

describe('edge sites', { timeout: 600_000 }, () => {
  const sandbox = makeSandbox(portBase('edges'), { MYSQL_URL: '' });
  after(() => sandbox.cleanup());

  const status = async () => {
    const r = await runScript('status', ['--json'], sandbox.env, 60_000);
    return { code: r.code, json: parseJson<EdgeJson>(r.stdout) };
  };

  /** natscli's own leafnode report (LEAFZ of every server, through the system account): server, leaf, account. */
  const natscliLeafs = (bin: string, home: string) => {
    const env = { PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`, HOME: home, XDG_CONFIG_HOME: home, NO_COLOR: '1' };
    const ctx = contextName(contextPrefix(sandbox.dir), 'c1', 'sys');
    const r = spawnSync(bin, ['--context', ctx, 'server', 'report', 'leafnodes'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter((l) => l.includes('│') && /leaf-nats/.test(l))
      .map((l) => l.split('│').map((c) => c.trim()))
      .map((c) => ({ server: c[1]!, leaf: c[2]!, account: c[3]! }));
  };

  it('installs the regions and edge site e1 on hub c1: status OK, the edge connected to c1 in its own JetStream domain', async () => {
    const r = await runScript('install', [...NAMES, 'e1@c1', ...SMALL], sandbox.env, 300_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = await status();
    assert.equal(s.code, 0, s.json.problems.join('\n'));
    assert.deepEqual(s.json.edges, [
      { name: 'e1-leaf-nats-0', answered: true, leafs: [{ server: 'c1-nats-0', account: 'APP' }], domain: 'e1' },
    ]);
  });

  it('answers requests made at the edge with its own math services, and by its hub when those are gone', async () => {
    const ask = async () => {
      const r = await runScript('request', ['--from', 'e1', '--count', '10', '--json'], sandbox.env, 120_000);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return parseJson<{ ok: number; byRegion: Record<string, number> }>(r.stdout);
    };
    assert.deepEqual((await ask()).byRegion, { e1: 40 });
    const host = readFileSync(join(sandbox.dir, 'local', 'services', 'e1-services-0', 'pid'), 'utf8').trim();
    process.kill(Number(host), 'SIGTERM');
    await poll({ timeoutMs: 10_000, intervalMs: 100, attempt: async () => (existsSync(`/proc/${host}`) ? undefined : true) });
    assert.deepEqual((await ask()).byRegion, { c1: 40 });
    const back = await runScript('08-services', [...NAMES, 'e1@c1'], sandbox.env);
    assert.equal(back.code, 0, back.stdout + back.stderr);
  });

  it("agrees with natscli's leafnode report on where the edge is connected", async (t) => {
    const bin = await natsCli(t);
    if (!bin) return;
    const home = join(sandbox.dir, '..', 'natscli-edges');
    mkdirSync(home, { recursive: true });
    const written = await runScript('contexts', ['--write'], { ...sandbox.env, HOME: home, XDG_CONFIG_HOME: home });
    assert.equal(written.code, 0, written.stderr);
    const s = await status();
    const ours = s.json.edges.flatMap((e) => e.leafs.map((l) => ({ server: l.server, leaf: e.name, account: l.account })));
    assert.deepEqual(natscliLeafs(bin, home), ours);
    // The edge's own contexts reach its server; the hub's reach its domain with --js-domain.
    const env = { PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`, HOME: home, XDG_CONFIG_HOME: home, NO_COLOR: '1' };
    const prefix = contextPrefix(sandbox.dir);
    const atEdge = spawnSync(bin, ['--context', contextName(prefix, 'e1', 'admin'), 'stream', 'info', 'edge-e1', '--json'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(atEdge.status, 0, atEdge.stderr);
    assert.equal(JSON.parse(atEdge.stdout).config.name, 'edge-e1');
    const viaHub = spawnSync(
      bin,
      ['--context', contextName(prefix, 'c1', 'admin'), '--js-domain', 'e1', 'stream', 'info', 'edge-e1', '--json'],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(viaHub.status, 0, viaHub.stderr);
    const serverList = spawnSync(bin, ['--context', contextName(prefix, 'e1', 'sys'), 'server', 'list', '--json'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(serverList.status, 0, serverList.stderr);
    assert.deepEqual(
      (JSON.parse(serverList.stdout) as { server: { name: string } }[]).map((x) => x.server.name),
      ['e1-leaf-nats-0'],
      "the edge's system account is its own",
    );
  });

  it("fails over to its fallback region when its hub's server is gone, and status says so without calling it a problem", async () => {
    const kill = spawnSync('pkill', ['-9', '-f', `${sandbox.dir}/local/servers/c1-nats-0/`]);
    assert.equal(kill.status, 0);
    const moved = await poll({
      timeoutMs: 30_000,
      intervalMs: 500,
      attempt: async () => {
        const s = await status();
        return s.json.edges[0]?.leafs[0]?.server === 'c2-nats-0' ? s : undefined;
      },
    });
    assert.ok(moved.value, 'e1 reconnected to c2');
    assert.ok(!moved.value.json.problems.some((p) => p.startsWith('edge site')), moved.value.json.problems.join('\n'));
    const back = await runScript('06-supercluster', [...NAMES, 'e1@c1'], sandbox.env);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    const healed = await status();
    assert.equal(healed.code, 0, healed.json.problems.join('\n'));
  });

  it('stores at the edge while it is cut off and forwards every message once when it is back', async () => {
    const state = readLocalState(sandbox.dir)!;
    const topo = resolveTopology({ names: [], saved: state });
    const credentials = loadCredentials(sandbox.dir, {}, false);
    const edgeUrl = `nats://127.0.0.1:${state.ports['e1-leaf-nats-0']!.client}`;
    const atEdge = await connect({ ...connectionFromEnv(clientEnvFor(credentials, 'admin', [edgeUrl]), 'edge-test'), timeout: 5000 });
    const hub = await connect({ ...connectionFromEnv(localClientEnv(topo, state, credentials, 'admin', 'c3'), 'hub-test'), timeout: 5000 });
    try {
      await assertStoreAndForward({
        atEdge,
        hub,
        sandboxDir: sandbox.dir,
        problems: async () => (await status()).json.problems,
        heal: () => runScript('06-supercluster', [...NAMES, 'e1@c1'], sandbox.env),
      });
    } finally {
      await atEdge.close();
      await hub.close();
    }
  });

  it('refuses an edge whose hub is not a region, and an edge name on a command that takes regions, with exit 2', async () => {
    const bad = await runScript('install', [...NAMES, 'e2@c9'], sandbox.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /edge site e2@c9: its hub c9 is not one of the regions given \(c1, c2, c3\)/);
    const onStatus = await runScript('status', ['e1@c1'], sandbox.env);
    assert.equal(onStatus.code, 2);
    assert.match(onStatus.stderr, /status takes region names; edge sites \(e1@c1\) are named to install/);
    // On Kubernetes an edge site is a release of the nats chart: k8s-fake-toolchain.test.ts.
  });

  it('delete of a hub region takes its edge sites with it, and says how to go on', async () => {
    const r = await runScript('delete', ['c1'], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /servers of c1 and their edge site\(s\) e1@c1; run npx zx scripts\/install\.mjs c2 c3 to re-form/);
    assert.equal(spawnSync('pgrep', ['-f', `${sandbox.dir}/local/servers/e1-leaf-nats-0/`]).status, 1, 'the edge server stopped');
    assert.equal(readLocalState(sandbox.dir)?.edges, undefined);
  });

  it('delete leaves no edge server behind', async () => {
    const r = await runScript('delete', [], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const left = spawnSync('pgrep', ['-f', `${sandbox.dir}/`]);
    assert.notEqual(left.status, 0, 'no process left');
  });
});
