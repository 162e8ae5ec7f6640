// Edge sites in operator mode (install c1 c2 c3 e1@c1 --auth jwt): the edge's leafnode logs in to
// its hub with a leafnode user's creds of the application account, judged by the hub's resolver;
// the edge keeps its key behaviours (connected in its own domain, services at the edge, store and
// forward into the hub's `edges` stream), only the subjects the leafnode user may use cross, and a
// user revoked at the hub is refused at the edge too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readLocalState } from '../../cluster/local/state.js';
import { localClientEnv } from '../../cluster/local/supercluster.js';
import { jwtPaths } from '../../core/jwt-store.js';
import { poll } from '../../core/poll.js';
import { loadCredentials } from '../../core/secrets.js';
import { clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { resolveTopology } from '../../nats/topology.js';
import { assertStoreAndForward } from '../support/edge-forward.js';
import { makeSandbox, parseJson, runScript } from '../support/helpers.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2', 'c3'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

interface EdgeJson {
  ok: boolean;
  problems: string[];
  edges: { name: string; answered: boolean; leafs: { server: string; account: string }[]; domain?: string }[];
}

describe('edge sites in operator mode (--auth jwt)', { timeout: 600_000 }, () => {
  const sandbox = makeSandbox(portBase('jwtEdges'), { MYSQL_URL: '' });
  after(() => sandbox.cleanup());

  const status = async () => {
    const r = await runScript('status', ['--json'], sandbox.env, 60_000);
    return { code: r.code, json: parseJson<EdgeJson>(r.stdout) };
  };
  const conf = (server: string) => readFileSync(join(sandbox.dir, 'local', 'servers', server, 'nats-server.conf'), 'utf8');
  /** The admin's connections at the edge and in region c3 (creds: the same identity in both). */
  async function clients(): Promise<{ edge: NatsConnection; hub: NatsConnection }> {
    const state = readLocalState(sandbox.dir)!;
    const topo = resolveTopology({ names: [], saved: state });
    const credentials = loadCredentials(sandbox.dir, {}, false);
    assert.ok(credentials.clientCreds?.admin, 'the admin logs in with creds');
    const edgeUrl = `nats://127.0.0.1:${state.ports['e1-leaf-nats-0']!.client}`;
    const edge = await connect({ ...connectionFromEnv(clientEnvFor(credentials, 'admin', [edgeUrl]), 'edge-test'), timeout: 5000 });
    const hub = await connect({ ...connectionFromEnv(localClientEnv(topo, state, credentials, 'admin', 'c3'), 'hub-test'), timeout: 5000 });
    return { edge, hub };
  }

  it('installs: status OK, e1 connected to c1 in its own domain, logged in by a leafnode user, not by certificate', async () => {
    const r = await runScript('install', [...NAMES, 'e1@c1', '--auth', 'jwt', ...SMALL], sandbox.env, 300_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = await status();
    assert.equal(s.code, 0, s.json.problems.join('\n'));
    assert.deepEqual(s.json.edges, [
      { name: 'e1-leaf-nats-0', answered: true, leafs: [{ server: 'c1-nats-0', account: 'APP' }], domain: 'e1' },
    ]);
    const edge = conf('e1-leaf-nats-0');
    assert.match(edge, new RegExp(`credentials: "${jwtPaths(sandbox.dir).leafnodeCreds('e1')}"`));
    assert.match(edge, /^operator: "ey/m);
    assert.doesNotMatch(edge, /verify_and_map|^accounts:/m);
    const hubListener = conf('c1-nats-0').match(/^leafnodes: \{[\s\S]*?^\}/m)?.[0] ?? '';
    assert.match(hubListener, /verify: true/);
    assert.doesNotMatch(hubListener, /authorization|verify_and_map/);
  });

  it('answers requests made at the edge with its own math services, and records their answers in the hub', async () => {
    const r = await runScript('request', ['--from', 'e1', '--count', '10', '--json'], sandbox.env, 120_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = parseJson<{ byRegion: Record<string, number>; recorded?: { complete: boolean } }>(r.stdout);
    assert.deepEqual(j.byRegion, { e1: 40 });
    assert.equal(j.recorded?.complete, true, 'every acknowledged significant answer stored by the hub recorder');
  });

  it('lets only what the leafnode user may use cross: math requests do, other subjects do not', async () => {
    const { edge, hub } = await clients();
    try {
      const got: string[] = [];
      const sub = hub.subscribe('probe.>', { callback: (_e, m) => void got.push(m.subject) });
      const math = hub.subscribe('math.numbers.probe', { callback: (_e, m) => void got.push(m.subject) });
      await hub.flush();
      // Interest reaches the edge through the leafnode: wait for it, then publish there.
      await sleep(1000);
      edge.publish('probe.one', 'x');
      edge.publish('math.numbers.probe', 'x');
      await edge.flush();
      await poll({ timeoutMs: 5000, intervalMs: 100, attempt: async () => (got.length ? true : undefined) });
      await sleep(500);
      assert.deepEqual(got, ['math.numbers.probe']);
      sub.unsubscribe();
      math.unsubscribe();
    } finally {
      await edge.close();
      await hub.close();
    }
  });

  it('stores at the edge while it is cut off and forwards every message once when it is back', async () => {
    const { edge: atEdge, hub } = await clients();
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

  it('refuses a user revoked at the hub on the edge server too', async () => {
    const added = await runScript('accounts', ['add-user', 'carol', '--like', 'requester', '--json'], sandbox.env);
    assert.equal(added.code, 0, added.stderr);
    const revoked = await runScript('accounts', ['revoke', 'carol', '--json'], sandbox.env, 120_000);
    assert.equal(revoked.code, 0, revoked.stderr);
    const r = parseJson<{ servers: number; pushedTo: number; closedAfterMs: Record<string, number>; lastClosedMs: number }>(revoked.stdout);
    process.stderr.write(
      `# revoked with an edge site: ${r.servers} servers closed the user's connection, the last after ${r.lastClosedMs} ms\n`,
    );
    assert.equal(r.servers, 13);
    assert.equal(r.pushedTo, 13);
    assert.ok('e1-leaf-nats-0' in r.closedAfterMs, 'the edge server closed its connection');
  });

  it('delete leaves nothing behind', async () => {
    const r = await runScript('delete', [], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.notEqual(spawnSync('pgrep', ['-f', `${sandbox.dir}/`]).status, 0, 'no process left');
  });
});
