// Edge sites: named `e1@c1`, a leaf cluster of their own JetStream domain dialing their hub's seed
// servers first, then a fallback region's, over TLS with the servers' certificate mapped to the
// application account; the rendered configs are judged by the pinned nats-server itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decode } from '@nats-io/jwt';
import { assignPorts, leafnodeKey } from '../../../cluster/local/ports.js';
import { renderLocalConfigs } from '../../../cluster/local/supercluster.js';
import { createRunner } from '../../../core/command.js';
import { splitNames, validateEdges } from '../../../core/input.js';
import { ensureJwtAuth, ensureLeafnodeCreds } from '../../../core/jwt-store.js';
import { ensureLocalPki } from '../../../core/pki.js';
import { edgeLines, edgeProblems, leafnodeListeners, leafnodeTargets } from '../../../nats/edges.js';
import { buildTopology, defaultOptions, edgeArg, edgeNameOf } from '../../../nats/topology.js';
import { TEST_CREDENTIALS } from '../../support/kube-plan.js';
import { natsServerBin } from '../../support/tools.js';

const SMALL = { replicas: { seed: 2, js: 1, gw: 1, xr: 1 } };
const topo = buildTopology(['c1', 'c2', 'c3'], SMALL, [
  { name: 'e1', hub: 'c1' },
  { name: 'e2', hub: 'c3' },
]);

describe('edge sites', () => {
  it('are named name@hub among the regions, and checked before anything runs', () => {
    assert.deepEqual(splitNames(['c1', 'c2', 'e1@c1']), { names: ['c1', 'c2'], edges: [{ name: 'e1', hub: 'c1' }] });
    assert.throws(() => validateEdges([{ name: 'e1', hub: 'c9' }], ['c1', 'c2']), /its hub c9 is not one of the regions given \(c1, c2\)/);
    assert.throws(() => validateEdges([{ name: 'E_1', hub: 'c1' }], ['c1']), /'E_1' is not a DNS-1123 label/);
    assert.throws(() => validateEdges([{ name: 'c2', hub: 'c1' }], ['c1', 'c2']), /duplicate cluster name\(s\): c2/);
    assert.throws(() => validateEdges([{ name: 'hub', hub: 'c1' }], ['c1']), /'hub' is the supercluster's JetStream domain/);
    assert.throws(() => validateEdges([{ name: 'e1', hub: 'c1@x' }], ['c1']), /write name@hub, e.g. e1@c1/);
  });

  it('are leaf clusters of their own domain with a hub and the next region as fallback, outside the supercluster', () => {
    assert.deepEqual(
      topo.edges.map((e) => [e.name, e.hub, e.fallback, e.domain, e.servers]),
      [
        ['e1', 'c1', 'c2', 'e1', ['e1-leaf-nats-0']],
        ['e2', 'c3', 'c1', 'e2', ['e2-leaf-nats-0']],
      ],
    );
    assert.ok(!topo.servers.some((s) => s.name.includes('leaf')), 'not a member of the supercluster');
    assert.equal(buildTopology(['c1'], defaultOptions(), [{ name: 'e1', hub: 'c1' }]).edges[0]!.fallback, undefined);
  });

  it("dial the hub's seed servers first, then the fallback's", () => {
    assert.deepEqual(
      leafnodeListeners(topo).map((s) => s.name),
      ['c1-nats-0', 'c1-nats-1', 'c2-nats-0', 'c2-nats-1', 'c3-nats-0', 'c3-nats-1'],
    );
    assert.deepEqual(
      leafnodeTargets(topo, topo.edges[0]!).map((s) => s.name),
      ['c1-nats-0', 'c1-nats-1', 'c2-nats-0', 'c2-nats-1'],
    );
    assert.deepEqual(leafnodeListeners(buildTopology(['c1', 'c2'], SMALL)), [], 'no edges: no listener');
  });

  it('render configs the pinned nats-server accepts (nats-server -t): hub servers in domain hub with a TLS leafnode listener, edges in their own', async () => {
    const ports = assignPorts(
      [...topo.servers.map((s) => s.name), 'e1-leaf-nats-0', 'e2-leaf-nats-0', ...leafnodeListeners(topo).map((s) => leafnodeKey(s.name))],
      20000,
    );
    const dir = mkdtempSync(join(tmpdir(), 'edge-conf-'));
    const tls = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    try {
      const confs = renderLocalConfigs(topo, ports, TEST_CREDENTIALS, dir, undefined, tls);
      const seed = confs.get('c1-nats-0')!;
      assert.match(seed, new RegExp(`leafnodes: \\{\\s+listen: "127\\.0\\.0\\.1:${ports[leafnodeKey('c1-nats-0')]!.client}"`));
      assert.match(seed, /user: "CN=nats-server,O=NATS Sandbox"\s+account: "APP"/);
      assert.match(seed, /jetstream: \{\s+enabled: false\s+domain: "hub"/);
      assert.match(confs.get('c1-js-nats-0')!, /domain: "hub"/);
      const edge = confs.get('e1-leaf-nats-0')!;
      assert.match(edge, /domain: "e1"/);
      const urls = [...edge.matchAll(/"tls:\/\/127\.0\.0\.1:(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(
        urls,
        ['c1-nats-0', 'c1-nats-1', 'c2-nats-0', 'c2-nats-1'].map((n) => ports[leafnodeKey(n)]!.client),
      );
      assert.match(edge, /dont_randomize: true/);
      // nats-server -t loads the TLS files: the check runs on a real sandbox PKI (openssl).
      const bin = await natsServerBin();
      const pki = (await ensureLocalPki(createRunner(false), dir)).server;
      for (const name of ['c1-nats-0', 'c1-js-nats-0', 'e1-leaf-nats-0']) {
        const file = join(dir, `${name}.conf`);
        const text = renderLocalConfigs(topo, ports, TEST_CREDENTIALS, dir, undefined, pki).get(name)!;
        writeFileSync(file, text);
        const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.doesNotMatch(out, /error/i, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('of 3 servers are a NATS cluster named after the site, each server with its routes and its leafnode (nats-server -t)', async () => {
    assert.deepEqual(splitNames(['c1', 'e3@c1:3']).edges, [{ name: 'e3', hub: 'c1', servers: 3 }]);
    for (const bad of ['e3@c1:2', 'e3@c1:x', 'e3@c1:3:3', 'e3@c1:'])
      assert.throws(() => splitNames([bad]), /an edge site has 1 or 3 servers \(name@hub or name@hub:3\)/, bad);
    const three = buildTopology(['c1', 'c2'], SMALL, [{ name: 'e3', hub: 'c1', servers: 3 }]);
    const edge = three.edges[0]!;
    assert.deepEqual(edge.servers, ['e3-leaf-nats-0', 'e3-leaf-nats-1', 'e3-leaf-nats-2']);
    assert.equal(edgeArg(edgeNameOf(edge)), 'e3@c1:3');
    assert.equal(edgeArg({ name: 'e1', hub: 'c1' }), 'e1@c1');
    const ports = assignPorts(
      [...three.servers.map((s) => s.name), ...edge.servers, ...leafnodeListeners(three).map((s) => leafnodeKey(s.name))],
      20000,
    );
    const dir = mkdtempSync(join(tmpdir(), 'edge3-conf-'));
    try {
      const pki = (await ensureLocalPki(createRunner(false), dir)).server;
      const confs = renderLocalConfigs(three, ports, TEST_CREDENTIALS, dir, undefined, pki);
      const bin = await natsServerBin();
      for (const name of edge.servers) {
        const text = confs.get(name)!;
        assert.match(text, /cluster: \{\s+name: "e3"/, name);
        const routes = [...text.matchAll(/"nats:\/\/[^@]+@127\.0\.0\.1:(\d+)"/g)].map((m) => Number(m[1]));
        assert.deepEqual(
          routes,
          edge.servers.filter((o) => o !== name).map((o) => ports[o]!.cluster),
          `${name} routes to the other two`,
        );
        assert.match(text, /remotes: \[/, `${name} has its own leafnode to the hub`);
        const file = join(dir, `${name}.conf`);
        writeFileSync(file, text);
        const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.doesNotMatch(out, /error/i, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in operator mode: the edge logs in as a leafnode user of APP, the hub listener maps no user; nats-server -t accepts both', async () => {
    const ports = assignPorts(
      [...topo.servers.map((s) => s.name), 'e1-leaf-nats-0', 'e2-leaf-nats-0', ...leafnodeListeners(topo).map((s) => leafnodeKey(s.name))],
      20000,
    );
    const dir = mkdtempSync(join(tmpdir(), 'edge-jwt-conf-'));
    try {
      const pki = (await ensureLocalPki(createRunner(false), dir)).server;
      const auth = await ensureJwtAuth(dir, true);
      const leafnodeCreds = await ensureLeafnodeCreds(dir, topo.edges, true);
      const jwt = { server: auth.server, appAccount: auth.accounts.APP!, leafnodeCreds };
      const confs = renderLocalConfigs(topo, ports, TEST_CREDENTIALS, dir, undefined, pki, undefined, undefined, jwt);
      const edge = confs.get('e1-leaf-nats-0')!;
      assert.match(edge, new RegExp(`account: "${auth.accounts.APP}"\\s+credentials: "${leafnodeCreds.e1}"`));
      assert.match(edge, /^operator: "ey/m);
      assert.doesNotMatch(edge, /verify_and_map|^accounts:/m);
      const seed = confs.get('c1-nats-0')!;
      assert.match(seed, /leafnodes: \{\s+listen: "[^"]+"\s+tls: \{[^}]*verify: true/);
      assert.doesNotMatch(seed, /verify_and_map|authorization: \{\s+users/);
      // The leafnode user: signed by APP's signing key, allowed only its edge's domain.
      const claims = decode<{ pub: { allow: string[] }; sub: { allow: string[] }; issuer_account: string }>(
        readFileSync(leafnodeCreds.e1!, 'utf8').match(/-----BEGIN NATS USER JWT-----\s*(\S+)/)![1]!,
      );
      assert.equal(claims.nats.issuer_account, auth.accounts.APP);
      assert.notEqual(claims.iss, auth.accounts.APP, 'signed by the signing key, not the account identity');
      assert.ok(claims.nats.sub?.allow.includes('$JS.e1.API.>') && !claims.nats.sub?.allow.includes('$JS.e2.API.>'));
      const bin = await natsServerBin();
      for (const name of ['c1-nats-0', 'c1-js-nats-0', 'e1-leaf-nats-0']) {
        const file = join(dir, `${name}.conf`);
        writeFileSync(file, confs.get(name)!);
        const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.doesNotMatch(out, /error/i, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are judged from what their servers say: down, cut off, on the fallback, or connected to their hub', () => {
    const at = (server: string) => [{ server, account: 'APP' }];
    const ok = [
      { name: 'e1-leaf-nats-0', answered: true, leafs: at('c1-nats-1'), domain: 'e1' },
      { name: 'e2-leaf-nats-0', answered: true, leafs: at('c3-nats-0'), domain: 'e2' },
    ];
    assert.deepEqual(edgeProblems(topo, ok), []);
    assert.deepEqual(edgeLines(topo, ok), [
      'edge e1@c1 (domain e1): e1-leaf-nats-0 -> c1-nats-1',
      'edge e2@c3 (domain e2): e2-leaf-nats-0 -> c3-nats-0',
    ]);
    const bad = [
      { name: 'e1-leaf-nats-0', answered: true, leafs: at('c2-nats-0'), domain: 'e1' },
      { name: 'e2-leaf-nats-0', answered: true, leafs: [], domain: 'e2' },
    ];
    assert.deepEqual(edgeProblems(topo, bad), [
      {
        edge: 'e2',
        text: 'edge site e2 is cut off: e2-leaf-nats-0 has no leafnode connection to c3 or c1 (it goes on storing locally, and forwards once connected)',
      },
    ]);
    // On the fallback is the design working (its hub was lost), said in its line, not a problem.
    assert.equal(
      edgeLines(topo, bad)[0],
      'edge e1@c1 (domain e1): e1-leaf-nats-0 -> c2-nats-0 (on its fallback: its hub c1 did not take it)',
    );
    assert.match(
      edgeProblems(topo, [{ ...ok[0]!, leafs: at('c3-nats-0') }, ok[1]!])[0]!.text,
      /e1-leaf-nats-0 is connected to c3-nats-0, which is neither in its hub c1 nor in its fallback/,
    );
    assert.match(edgeProblems(topo, [ok[0]!])[0]!.text, /^edge site e2 is down: e2-leaf-nats-0 do\(es\) not answer/);
    const three = buildTopology(['c1', 'c2'], SMALL, [{ name: 'e3', hub: 'c1', servers: 3 }]);
    const up = (n: string) => ({ name: n, answered: true, leafs: at('c1-nats-0'), domain: 'e3' });
    assert.deepEqual(edgeProblems(three, [up('e3-leaf-nats-0'), up('e3-leaf-nats-2')]), [
      {
        edge: 'e3',
        text: 'edge site e3: e3-leaf-nats-1 do(es) not answer (2 of 3 up); fix: re-run stage 06 to start it',
      },
    ]);
    assert.match(
      edgeProblems(topo, [{ ...ok[0]!, domain: 'hub' }, ok[1]!])[0]!.text,
      /e1-leaf-nats-0 has JetStream domain 'hub', expected 'e1'/,
    );
  });
});
