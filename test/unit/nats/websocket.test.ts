// Websockets in operator mode: a TLS listener on each region's seed servers, in a port slot of
// its own, and the browser's least-privilege user; the rendered config is judged by the pinned
// nats-server itself (nats-server -t, with a real sandbox PKI and operator).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assignPorts, isListenerKey, websocketKey } from '../../../cluster/local/ports.js';
import { renderLocalConfigs } from '../../../cluster/local/supercluster.js';
import { localWebsocketUrls, websocketSection } from '../../../cluster/local/websocket.js';
import { createRunner } from '../../../core/command.js';
import { ensureJwtAuth } from '../../../core/jwt-store.js';
import { ensureLocalPki } from '../../../core/pki.js';
import { userClaims } from '../../../nats/jwt-auth.js';
import { buildTopology } from '../../../nats/topology.js';
import { browserInboxPrefix, browserPermissions, WEBSOCKET_CONNECTION, websocketListeners } from '../../../nats/websocket.js';
import { TEST_CREDENTIALS } from '../../support/kube-plan.js';
import { natsServerBin } from '../../support/tools.js';

const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 2, js: 1, gw: 1, xr: 1 } });
const servers = topo.servers.map((s) => s.name);
const wsKeys = websocketListeners(topo).map((s) => websocketKey(s.name));

describe('websockets (operator mode)', () => {
  it("listen on every region's seed servers, each in a slot of its own that moves no server's ports", () => {
    assert.deepEqual(
      websocketListeners(topo).map((s) => s.name),
      ['c1-nats-0', 'c1-nats-1', 'c2-nats-0', 'c2-nats-1'],
    );
    const before = assignPorts(servers, 20000);
    const after = assignPorts([...servers, ...wsKeys], 20000, before);
    for (const s of servers) assert.deepEqual(after[s], before[s], s);
    assert.ok(wsKeys.every((k) => isListenerKey(k) && after[k]) && !servers.some(isListenerKey));
    assert.deepEqual(localWebsocketUrls(topo, { ports: after }), {
      c1: [`wss://127.0.0.1:${after['c1-nats-0/websocket']!.client}`, `wss://127.0.0.1:${after['c1-nats-1/websocket']!.client}`],
      c2: [`wss://127.0.0.1:${after['c2-nats-0/websocket']!.client}`, `wss://127.0.0.1:${after['c2-nats-1/websocket']!.client}`],
    });
    assert.equal(websocketSection(topo, { ports: before }), undefined, 'no websockets planned: no status section');
    assert.match(websocketSection(topo, { ports: after })!.text[0]!, /^websockets c1: wss:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+$/);
  });

  it('give a browser user the math services, its own inbox and websockets only, and an expiry', () => {
    const prefix = browserInboxPrefix('0123456789ab');
    const c = userClaims(browserPermissions(prefix), 1_900_000_000, [WEBSOCKET_CONNECTION]);
    assert.deepEqual(c.user, {
      pub: { allow: ['math.numbers.>'] },
      sub: { allow: ['_INBOX_0123456789ab.>'] },
      allowed_connection_types: ['WEBSOCKET'],
    });
    assert.equal(c.exp, 1_900_000_000);
    assert.deepEqual(userClaims(undefined).user, {}, 'other users: unchanged');
  });

  it('render configs the pinned nats-server accepts (nats-server -t): TLS websocket on seed servers only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-conf-'));
    try {
      const ports = assignPorts([...servers, ...wsKeys], 20000);
      const pki = (await ensureLocalPki(createRunner(false), dir)).server;
      const auth = await ensureJwtAuth(dir, true);
      const confs = renderLocalConfigs(topo, ports, TEST_CREDENTIALS, dir, undefined, pki, undefined, undefined, {
        server: auth.server,
        appAccount: auth.accounts.APP!,
        leafnodeCreds: {},
      });
      const seed = confs.get('c1-nats-1')!;
      assert.match(
        seed,
        new RegExp(
          `websocket: \\{\\s+host: "127\\.0\\.0\\.1"\\s+port: ${ports['c1-nats-1/websocket']!.client}\\s+tls: \\{\\s+cert_file: "[^"]+"\\s+key_file: "[^"]+"`,
        ),
      );
      assert.doesNotMatch(confs.get('c1-js-nats-0')!, /websocket/);
      const bin = await natsServerBin();
      for (const name of ['c1-nats-0', 'c2-gw-nats-0']) {
        const file = join(dir, `${name}.conf`);
        writeFileSync(file, confs.get(name)!);
        const out = execFileSync(bin.path, ['-t', '-c', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        assert.doesNotMatch(out, /error/i, name);
      }
      // mTLS mode plans no websocket slot; a slot without the PKI is a bug, said so.
      assert.throws(() => renderLocalConfigs(topo, ports, TEST_CREDENTIALS, dir), /websockets need the sandbox PKI/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
