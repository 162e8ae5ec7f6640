import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assignPorts } from '../../../cluster/local/ports.js';
import { localAddressing, withCredentials } from '../../../nats/addressing.js';
import { toNatsConf } from '../../../nats/conf.js';
import { type Credentials, serverConfig } from '../../../nats/server-config.js';
import { buildTopology, serverByName } from '../../../nats/topology.js';
import { natsServerBin } from '../../support/tools.js';

const creds: Credentials = {
  sys: 'sys-pw',
  admin: 'admin-pw',
  math: 'math-pw',
  requester: 'req-pw',
  recorder: 'rec-pw',
  gateway: { user: 'gateway', password: 'gw/pw@x' },
  route: { user: 'route', password: 'route-pw' },
};
const topo = buildTopology(['c1', 'c2', 'c3']);
const ports = assignPorts(
  topo.servers.map((s) => s.name),
  20000,
);
const addressing = localAddressing(topo, (n) => ports[n]!);
const configOf = (name: string) =>
  serverConfig({ topo, server: serverByName(topo, name), addressing, credentials: creds, storeDir: `/tmp/js/${name}` }) as Record<
    string,
    any
  >;

describe('nats-server config of a server', () => {
  it('routes to all 8 peers of its cluster with the route credentials', () => {
    const c = configOf('c1-xr-js-nats-0');
    assert.equal(c.cluster.name, 'xr-js');
    assert.equal(c.cluster.routes.length, 8);
    assert.deepEqual(c.cluster.authorization, { user: 'route', password: 'route-pw' });
    assert.ok(c.cluster.routes.every((r: string) => r.startsWith('nats://route:route-pw@127.0.0.1:')));
    assert.ok(!c.cluster.routes.includes(addressing.routeUrl(serverByName(topo, 'c1-xr-js-nats-0'))), 'no route to itself');
  });

  it('has a gateway to every other NATS cluster, regional ones through their gw servers', () => {
    const c = configOf('c1-nats-1');
    assert.deepEqual(
      c.gateway.gateways.map((g: any) => g.name),
      ['c2', 'c3', 'xr-js'],
    );
    const c2 = c.gateway.gateways[0];
    const gwPorts = ['c2-gw-nats-0', 'c2-gw-nats-1', 'c2-gw-nats-2'].map((n) => ports[n]!.gateway);
    assert.deepEqual(
      c2.urls,
      gwPorts.map((p) => withCredentials(`nats://127.0.0.1:${p}`, 'gateway', 'gw/pw@x')),
    );
    assert.ok(c2.urls[0].includes('gw%2Fpw%40x'), 'special characters in passwords are URL-encoded');
    assert.equal(c.gateway.reject_unknown_cluster, true);
  });

  it("advertises a gw server's gateway address on regional servers, its own on gw and xr-js servers", () => {
    assert.equal(configOf('c1-nats-1').gateway.advertise, `127.0.0.1:${ports['c1-gw-nats-1']!.gateway}`);
    assert.equal(configOf('c1-js-nats-2').gateway.advertise, `127.0.0.1:${ports['c1-gw-nats-2']!.gateway}`);
    assert.equal(configOf('c1-gw-nats-0').gateway.advertise, `127.0.0.1:${ports['c1-gw-nats-0']!.gateway}`);
    assert.equal(configOf('c2-xr-js-nats-1').gateway.advertise, `127.0.0.1:${ports['c2-xr-js-nats-1']!.gateway}`);
  });

  it('enables JetStream with tags and unique_tag az only on js and xr-js servers', () => {
    assert.equal(configOf('c1-nats-0').jetstream, undefined);
    assert.equal(configOf('c1-gw-nats-0').jetstream, undefined);
    assert.deepEqual(configOf('c1-js-nats-0').server_tags, ['dc:c1', 'az:c1']);
    assert.equal(configOf('c1-js-nats-0').jetstream.unique_tag, 'az');
    assert.equal(configOf('c3-xr-js-nats-2').jetstream.unique_tag, 'az');
    assert.equal(configOf('c3-xr-js-nats-2').jetstream.store_dir, '/tmp/js/c3-xr-js-nats-2');
  });

  it('declares the system account and a JetStream application account with least-privilege users', () => {
    const c = configOf('c2-nats-0');
    assert.equal(c.system_account, 'SYS');
    assert.equal(c.accounts.APP.jetstream, 'enabled');
    assert.deepEqual(
      c.accounts.SYS.users.map((u: any) => u.user),
      ['sys'],
    );
    assert.deepEqual(
      c.accounts.APP.users.map((u: any) => u.user),
      ['admin', 'math', 'requester', 'recorder'],
    );
    const requester = c.accounts.APP.users.find((u: any) => u.user === 'requester');
    assert.deepEqual(requester.permissions.publish.allow, ['math.numbers.>', 'answers.*']);
    assert.deepEqual(requester.permissions.subscribe.allow, ['_INBOX.>']);
  });

  it('renders text that the pinned nats-server itself accepts (nats-server -t)', async () => {
    const bin = await natsServerBin();
    const dir = mkdtempSync(join(tmpdir(), 'conf-test-'));
    try {
      for (const name of ['c1-nats-0', 'c1-js-nats-0', 'c2-gw-nats-2', 'c3-xr-js-nats-1']) {
        const file = join(dir, `${name}.conf`);
        writeFileSync(
          file,
          toNatsConf(
            serverConfig({
              topo,
              server: serverByName(topo, name),
              addressing,
              credentials: creds,
              storeDir: join(dir, name),
              stretchedRoutes: { compression: 's2_auto', poolSize: 3 },
            }) as never,
          ),
        );
        const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.doesNotMatch(out, /error/i);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the routes of the stretched cluster', () => {
  const tuned = (name: string) =>
    serverConfig({
      topo,
      server: serverByName(topo, name),
      addressing,
      credentials: creds,
      stretchedRoutes: { compression: 's2_auto', poolSize: 1 },
    }) as Record<string, any>;
  it('are the only ones compressed and pooled as set: they cross regions', () => {
    assert.equal(tuned('c2-xr-js-nats-1').cluster.compression, 's2_auto');
    assert.equal(tuned('c2-xr-js-nats-1').cluster.pool_size, 1);
    for (const regional of ['c1-nats-0', 'c2-js-nats-1', 'c3-gw-nats-2']) {
      assert.equal(tuned(regional).cluster.compression, undefined, regional);
      assert.equal(tuned(regional).cluster.pool_size, undefined, regional);
    }
  });
});

describe('conf writer', () => {
  it('quotes every string so $ is never a variable and escapes quotes', () => {
    const text = toNatsConf({ a: '$notvar', b: 'say "hi"', n: 3, on: true, list: ['x'], nested: { 'odd-key': 1, skip: undefined } });
    assert.equal(text, 'a: "$notvar"\nb: "say \\"hi\\""\nn: 3\non: true\nlist: [\n  "x"\n]\nnested: {\n  "odd-key": 1\n}\n');
  });
  it('refuses numbers it cannot write', () => {
    assert.throws(() => toNatsConf({ x: Number.NaN }), /cannot write NaN/);
  });
});
