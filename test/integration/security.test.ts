// mTLS and least privilege on a real local supercluster: who may connect, who may do what, and
// that routes and gateways refuse wrong credentials while the supercluster forms with the right ones.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as rawConnect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalState } from '../../cluster/local/state.js';
import { pkiPaths, tlsFiles } from '../../core/pki.js';
import { loadCredentials } from '../../core/secrets.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM, type Identity } from '../../nats/accounts.js';
import { localAddressing } from '../../nats/addressing.js';
import { contextPrefix } from '../../nats/cli-contexts.js';
import { toNatsConf } from '../../nats/conf.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { type Credentials, serverConfig } from '../../nats/server-config.js';
import { buildTopology, type ServerSpec, serverByName } from '../../nats/topology.js';
import { makeSandbox, runScript, type Sandbox } from '../support/helpers.js';
import { testCa } from '../support/issue-cert.js';
import { portBase } from '../support/ports.js';

const NAMES = ['c1', 'c2'];
const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

describe('security of the local supercluster', () => {
  let sandbox: Sandbox;
  let plan: LocalState;
  let url: string;
  const rogues: number[] = [];

  before(async () => {
    sandbox = makeSandbox(portBase('security'));
    const r = await runScript('06-supercluster', [...NAMES, ...SMALL], sandbox.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    plan = JSON.parse(readFileSync(join(sandbox.dir, 'plan.json'), 'utf8')) as LocalState;
    url = `nats://127.0.0.1:${plan.ports['c1-nats-0']!.client}`;
  });
  after(async () => {
    for (const pid of rogues) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await sandbox.cleanup();
  });

  const certDir = (id: Identity) => pkiPaths(sandbox.dir).client(id);
  const connectAs = (id: Identity) =>
    connect({ ...connectionFromEnv({ NATS_URL: url, NATS_TLS_DIR: certDir(id) }), reconnect: false, timeout: 3000 });

  /** Permission violations the server reports on this connection. */
  function violations(nc: NatsConnection): string[] {
    const seen: string[] = [];
    (async () => {
      for await (const s of nc.status()) if (s.type === 'error') seen.push(s.error.message);
    })().catch(() => undefined);
    return seen;
  }

  async function settle(nc: NatsConnection): Promise<void> {
    await nc.flush();
    await sleep(150);
  }

  describe('connections', () => {
    it('accepts a client certificate from the sandbox CA and maps it to its user', async () => {
      const nc = await connectAs('admin');
      const jsm = await jetstreamManager(nc);
      const info = await jsm.getAccountInfo();
      assert.ok(info.limits, 'the admin user is in the JetStream-enabled application account');
      await nc.close();
    });

    it("status --server asks any one server with the system user's certificate", async () => {
      const r = await runScript('status', [...NAMES, ...SMALL, '--server', url, '--json'], sandbox.env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).servers.length, 8);
    });

    it('status --server keeps the replicas saved at install, with or without names', async () => {
      for (const args of [[...NAMES], []]) {
        const r = await runScript('status', [...args, '--server', url, '--json'], sandbox.env);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const s = JSON.parse(r.stdout);
        assert.equal(s.ok, true, s.problems.join('\n'));
        assert.equal(
          s.clusters.reduce((n: number, c: { expectedNodes: number }) => n + c.expectedNodes, 0),
          8,
        );
      }
    });

    it('refuses TLS without a client certificate', async () => {
      await assert.rejects(connect({ servers: url, tls: { caFile: join(certDir('admin'), 'ca.crt') }, reconnect: false, timeout: 3000 }));
    });

    it('refuses a generated password without a client certificate', async () => {
      const creds = loadCredentials(sandbox.dir, {}, false);
      await assert.rejects(
        connect({
          servers: url,
          user: 'admin',
          pass: creds.admin,
          tls: { caFile: join(certDir('admin'), 'ca.crt') },
          reconnect: false,
          timeout: 3000,
        }),
      );
    });

    it('refuses a certificate with the right subject from another CA', async () => {
      const other = await testCa('/O=NATS Sandbox/CN=NATS Sandbox CA');
      try {
        const issued = await other.issue({ subject: '/O=NATS Sandbox/CN=admin', usage: ['clientAuth'], dnsNames: [], ipAddresses: [] });
        const admin = tlsFiles(issued.dir);
        await assert.rejects(
          connect({
            servers: url,
            reconnect: false,
            timeout: 3000,
            tls: { caFile: join(certDir('admin'), 'ca.crt'), certFile: admin.certFile, keyFile: admin.keyFile },
          }),
        );
      } finally {
        other.dispose();
      }
    });

    it('refuses plain text: the server demands TLS before anything else', async () => {
      let timedOut = false;
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = rawConnect(plan.ports['c1-nats-0']!.client, '127.0.0.1');
        let data = '';
        sock.on('data', (d) => {
          data += d;
          if (data.includes('INFO') && !data.includes('CONNECT_SENT')) {
            data += 'CONNECT_SENT';
            sock.write('CONNECT {"verbose":false,"user":"admin"}\r\nPING\r\n');
          }
        });
        sock.on('close', () => resolve(data));
        sock.on('error', reject);
        setTimeout(() => {
          timedOut = true;
          sock.destroy();
        }, 5000);
      });
      assert.match(reply, /"tls_required":true/);
      assert.doesNotMatch(reply, /PONG|\+OK/);
      assert.equal(timedOut, false, 'the server closes a plain-text connection itself');
    });
  });

  describe('least privilege', () => {
    it('the requester may ask and publish answers, but not serve math or publish to $SRV', async () => {
      const nc = await connectAs('requester');
      const errs = violations(nc);
      nc.publish('math.numbers.add', '{}');
      nc.publish('answers.throwaway', '{}');
      await settle(nc);
      assert.deepEqual(errs, []);
      nc.subscribe('math.numbers.>');
      await settle(nc);
      nc.publish('$SRV.PING', '');
      await settle(nc);
      assert.ok(
        errs.some((e) => /Permissions Violation for Subscription to "math\.numbers\.>"/i.test(e)),
        errs.join('\n'),
      );
      assert.ok(
        errs.some((e) => /Permissions Violation for Publish to "\$SRV\.PING"/i.test(e)),
        errs.join('\n'),
      );
      await nc.close();
    });

    it('a math service may serve math.numbers.>, but not publish answers', async () => {
      const nc = await connectAs('math');
      const errs = violations(nc);
      nc.subscribe('math.numbers.>', { queue: 'math' });
      await settle(nc);
      assert.deepEqual(errs, []);
      nc.publish('answers.significant', '{"result": 5}');
      await settle(nc);
      assert.ok(
        errs.some((e) => /Permissions Violation for Publish to "answers\.significant"/i.test(e)),
        errs.join('\n'),
      );
      await nc.close();
    });

    it('the recorder may read answers, but not send math requests', async () => {
      const nc = await connectAs('recorder');
      const errs = violations(nc);
      nc.subscribe('answers.*');
      await settle(nc);
      assert.deepEqual(errs, []);
      nc.publish('math.numbers.add', '{"first":1,"second":2}');
      await settle(nc);
      assert.ok(
        errs.some((e) => /Permissions Violation for Publish to "math\.numbers\.add"/i.test(e)),
        errs.join('\n'),
      );
      await nc.close();
    });

    it('the recorder acks the answers delivered to it and no others (its acks are responses)', async () => {
      const admin = await connectAs('admin');
      const jsm = await jetstreamManager(admin);
      await jsm.streams.add({ name: ANSWERS_STREAM, subjects: ['answers.*'], num_replicas: 1 });
      try {
        await jsm.consumers.add(ANSWERS_STREAM, {
          durable_name: ANSWERS_CONSUMER,
          ack_policy: AckPolicy.Explicit,
          filter_subject: 'answers.significant',
        });
        const js = jetstream(admin);
        await js.publish('answers.significant', '{"n":1}');
        const second = await js.publish('answers.significant', '{"n":2}');
        const nc = await connectAs('recorder');
        const errs = violations(nc);
        const consumer = await jetstream(nc).consumers.get(ANSWERS_STREAM, ANSWERS_CONSUMER);
        const m = await consumer.next({ expires: 5000 });
        assert.ok(m, 'the recorder reads its consumer');
        assert.equal(await m.ackAck({ timeout: 3000 }), true, 'the server confirms the ack of a delivered answer');
        // An ack subject (the v1 form nats-server 2.9 delivers) for the answer never delivered to it: refused.
        const forged = `$JS.ACK.${ANSWERS_STREAM}.${ANSWERS_CONSUMER}.1.${second.seq}.${m.info.deliverySequence + 1}.${m.info.timestampNanos}.0`;
        nc.publish(forged, '+ACK');
        await settle(nc);
        assert.ok(
          errs.some((e) => /Permissions Violation for Publish to "\$JS\.ACK\.answers\.answers-consumer/i.test(e)),
          errs.join('\n'),
        );
        const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
        assert.deepEqual([info.ack_floor.stream_seq, info.num_ack_pending, info.num_pending], [1, 0, 1]);
        await nc.close();
      } finally {
        await jsm.streams.delete(ANSWERS_STREAM);
        await admin.close();
      }
    });

    it("the system user sees the servers but cannot use the application's JetStream", async () => {
      const nc = await connectAs('sys');
      const r = await nc.request('$SYS.REQ.SERVER.PING.VARZ', '', { timeout: 2000 });
      assert.ok(r.json<{ server: { name: string } }>().server.name);
      const jsm = await jetstreamManager(nc, { timeout: 1500 }).catch((e: Error) => e);
      const outcome = jsm instanceof Error ? jsm : await jsm.getAccountInfo().catch((e: Error) => e);
      assert.ok(outcome instanceof Error, 'JetStream must not answer the system account');
      assert.match(outcome.message, /jetstream (is )?not enabled|no responders|503|timeout/i);
      await nc.close();
    });

    it('the admin may not use the system account', async () => {
      const nc = await connectAs('admin');
      await assert.rejects(nc.request('$SYS.REQ.SERVER.PING.VARZ', '', { timeout: 1000 }), /no responders|timeout|503/i);
      await nc.close();
    });
  });

  describe('NATS CLI contexts', () => {
    it('prints nats context add commands for sys and admin per cluster, and --write makes working contexts', async () => {
      const printed = await runScript('contexts', NAMES, sandbox.env);
      assert.equal(printed.code, 0, printed.stderr);
      // stdout is only commands and comments, so `contexts ... | sh` works
      assert.deepEqual(
        printed.stdout.split('\n').filter((l) => l && !l.startsWith('nats context add') && !l.startsWith('#')),
        [],
      );
      assert.match(printed.stderr, /provider: local/);
      const prefix = contextPrefix(sandbox.dir);
      assert.match(prefix, /^sandbox-[0-9a-f]{4}$/);
      assert.notEqual(contextPrefix(`${sandbox.dir}-other`), prefix, 'two sandboxes, two sets of names');
      const lines = printed.stdout.split('\n').filter((l) => l.startsWith('nats context add'));
      assert.deepEqual(
        lines.map((l) => l.split(' ')[3]),
        [`${prefix}-c1-sys`, `${prefix}-c1-admin`, `${prefix}-c2-sys`, `${prefix}-c2-admin`],
      );
      const unknown = await runScript('contexts', ['c9'], sandbox.env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /not a cluster of this sandbox: c9 \(it has c1, c2\)/);
      assert.equal(unknown.stdout, '');
      assert.ok(lines.every((l) => l.includes('--tlscert') && l.includes('--tlskey') && l.includes('--tlsca')));
      const xdg = join(sandbox.dir, '..', 'xdg');
      const written = await runScript('contexts', [...NAMES, '--write'], { ...sandbox.env, XDG_CONFIG_HOME: xdg });
      assert.equal(written.code, 0, written.stderr);
      const c = JSON.parse(readFileSync(join(xdg, 'nats', 'context', `${prefix}-c2-sys.json`), 'utf8')) as {
        url: string;
        ca: string;
        cert: string;
        key: string;
      };
      const kube = await runScript('contexts', ['c1', '--provider', 'kube', '--context', 'c1=ctx-c1'], sandbox.env);
      assert.equal(kube.code, 2, 'k3d/kube need the ingress address');
      assert.match(kube.stderr, /need --server/);
      const viaIngress = await runScript(
        'contexts',
        ['c1', '--provider', 'kube', '--context', 'c1=ctx-c1', '--server', 'nats://lb.example:4222'],
        sandbox.env,
      );
      assert.equal(viaIngress.code, 0, viaIngress.stderr);
      assert.match(viaIngress.stdout, /nats context add sandbox-[0-9a-f]{4}-c1-admin --server nats:\/\/lb\.example:4222 --tlsca /);
      const nc = await connect({
        servers: c.url.split(','),
        tls: { caFile: c.ca, certFile: c.cert, keyFile: c.key },
        reconnect: false,
        timeout: 3000,
      });
      const r = await nc.request('$SYS.REQ.SERVER.PING.VARZ', '', { timeout: 2000 });
      assert.ok(r.json<{ server: { name: string } }>().server.name);
      await nc.close();
    });
  });

  describe('routes and gateways', () => {
    const topo = buildTopology(NAMES, { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });

    /** Run one extra server impersonating `as` with `credentials`, on spare ports; returns its monitor port. */
    async function rogue(as: ServerSpec, credentials: Credentials, slot: number): Promise<number> {
      const base = portBase('security') + 200 + slot * 4;
      const rogueSpec: ServerSpec = { ...as, name: `rogue-${slot}`, jetstream: false, tags: [] };
      const ports = { ...plan.ports, [rogueSpec.name]: { client: base, cluster: base + 1, gateway: base + 2, monitor: base + 3 } };
      const t = { ...topo, servers: [...topo.servers, rogueSpec] };
      const config = serverConfig({
        topo: t,
        server: rogueSpec,
        addressing: localAddressing(t, (n) => ports[n]!),
        credentials,
        tls: tlsFiles(pkiPaths(sandbox.dir).server),
      });
      const dir = join(sandbox.dir, 'rogues', rogueSpec.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'nats.conf'), toNatsConf(config));
      const child = spawn('nats-server', ['-c', join(dir, 'nats.conf')], {
        stdio: 'ignore',
        env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
      });
      rogues.push(child.pid!);
      return base + 3;
    }

    async function monitor<T>(port: number, path: string): Promise<T> {
      for (let i = 0; i < 50; i++) {
        try {
          return (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as T;
        } catch {
          await sleep(100);
        }
      }
      throw new Error(`monitor ${port}${path} did not answer`);
    }

    async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await check()) return true;
        await sleep(200);
      }
      return false;
    }

    const real = () => loadCredentials(sandbox.dir, {}, false);

    it('a route with the wrong password is refused; with the right one it joins', async () => {
      const seed = serverByName(topo, 'c1-nats-0');
      const wrong = await rogue(seed, { ...real(), route: { user: 'route', password: 'wrong-password' } }, 0);
      const joined = await eventually(async () => (await monitor<{ num_routes: number }>(wrong, '/routez')).num_routes > 0, 3000);
      assert.equal(joined, false, 'a route with a wrong password must not form');
      const right = await rogue(seed, real(), 1);
      assert.ok(
        await eventually(async () => (await monitor<{ num_routes: number }>(right, '/routez')).num_routes > 0, 10000),
        'the right password forms routes',
      );
    });

    it('a gateway with the wrong password is refused; with the right one it connects', async () => {
      // a lone server claiming to be part of c2, with no routes, dialling the other clusters
      const gw = serverByName(topo, 'c2-gw-nats-0');
      const noRoutes = (c: Credentials) => ({ ...c, route: { user: 'route', password: 'not-the-route-password' } });
      const outbound = async (port: number) =>
        Object.values(
          (await monitor<{ outbound_gateways?: Record<string, { connection?: unknown }> }>(port, '/gatewayz')).outbound_gateways ?? {},
        ).filter((g) => g.connection).length;
      const wrong = await rogue(gw, noRoutes({ ...real(), gateway: { user: 'gateway', password: 'wrong-password' } }), 2);
      assert.equal(
        await eventually(async () => (await outbound(wrong)) > 0, 3000),
        false,
        'a gateway with a wrong password must not connect',
      );
      const right = await rogue(gw, noRoutes(real()), 3);
      assert.ok(await eventually(async () => (await outbound(right)) > 0, 10000), 'the right password connects');
    });
  });
});
