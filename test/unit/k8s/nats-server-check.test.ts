// The configs the Kubernetes releases give their pods pass `nats-server -t` of the pinned version:
// every release of every cluster, as the nats chart's templates make it from our values and the
// Secrets (k8s/nats-chart.ts), with real certificate files where the chart mounts the Secret.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { decode } from '@nats-io/jwt';
import { ensureJwtAuth } from '../../../core/jwt-store.js';
import { RESOLVER_DIR } from '../../../k8s/jwt-auth.js';
import { NATS_SECRET } from '../../../k8s/names.js';
import { chartServerConfig } from '../../../k8s/nats-chart.js';
import { NATS_SERVER_TLS_SECRET } from '../../../k8s/nats-pki.js';
import { natsSecretData } from '../../../k8s/nats-values.js';
import { natsValuesInput } from '../../../k8s/plan.js';
import { toNatsConf } from '../../../nats/conf.js';
import { type TestCa, testCa } from '../../support/issue-cert.js';
import { type TestPlanOptions, testPlanInput, testPlans } from '../../support/kube-plan.js';
import { natsServerBin } from '../../support/tools.js';

const run = promisify(execFile);

/** The chart mounts the server's Secret here; the test puts real files in a folder of its own. */
const MOUNT = '/etc/nats-certs/nats';

describe('the Kubernetes releases, judged by the pinned nats-server', () => {
  let ca: TestCa;
  let dir: string;
  let certs: string;
  before(async () => {
    ca = await testCa();
    dir = mkdtempSync(join(tmpdir(), 'k8s-nats-t-'));
    certs = (
      await ca.issue({
        subject: '/CN=nats-server',
        usage: ['serverAuth', 'clientAuth'],
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1'],
      })
    ).dir;
  });
  after(() => {
    ca.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `nats-server -t` on every release's pod 0 config of these plans; returns each config checked, by cluster/release. */
  async function checkAll(o: TestPlanOptions): Promise<Map<string, string>> {
    const bin = await natsServerBin();
    const input = testPlanInput('k3d', o);
    const checked = new Map<string, string>();
    for (const plan of testPlans('k3d', o)) {
      const secrets = {
        [NATS_SECRET]: natsSecretData(natsValuesInput(input, plan.target)),
        [NATS_SERVER_TLS_SECRET]: { 'ca.crt': 'mounted', 'tls.crt': 'mounted', 'tls.key': 'mounted' },
      };
      for (const release of plan.supercluster.nats) {
        const key = `${o.jwt ? 'jwt-' : ''}${o.edges?.length ? 'edges-' : ''}${plan.target.name}-${release.release}`;
        const text = toNatsConf(chartServerConfig(release.values, release.release, 0, secrets) as never)
          .replaceAll(MOUNT, certs)
          // The resolver's volume first: it lies inside /data, the JetStream volume.
          .replaceAll(`"${RESOLVER_DIR}"`, JSON.stringify(join(dir, key, 'resolver')))
          .replaceAll('"/data"', JSON.stringify(join(dir, key)))
          .replaceAll('"/var/run/nats/nats.pid"', JSON.stringify(join(dir, `${key}.pid`)));
        const file = join(dir, `${key}.conf`);
        mkdirSync(join(dir, key), { recursive: true });
        writeFileSync(file, text);
        const { stdout, stderr } = await run(bin.path, ['-t', '-c', file]).catch((e) => {
          throw new Error(`${plan.target.name}/${release.release}: nats-server -t refused it:\n${e.stderr}\n${text}`);
        });
        assert.match(`${stdout}${stderr}`, /configuration file .* is valid/);
        checked.set(`${plan.target.name}/${release.release}`, text);
      }
    }
    return checked;
  }

  it('every pod config of c1 c2 c3 passes nats-server -t, with the xr-js routes compressed', async () => {
    const checked = await checkAll({ env: { XR_ROUTE_COMPRESSION: 's2_auto', XR_ROUTE_POOL_SIZE: '3' } });
    assert.equal(checked.size, 12, 'four releases in each of three clusters');
    for (const c of ['c1', 'c2', 'c3']) {
      const text = checked.get(`${c}/xr-js`)!;
      assert.match(text, /compression: "s2_auto"/);
      assert.match(text, /pool_size: 3/);
    }
  });

  it('in operator mode too: the real operator JWT, the system account and the preloaded accounts, on the full resolver', async () => {
    // Real keys and JWTs from the key store, made in memory (nothing written).
    const auth = await ensureJwtAuth(join(dir, 'no-sandbox'), false);
    const checked = await checkAll({ jwt: auth.server });
    assert.equal(checked.size, 12, 'four releases in each of three clusters');
    for (const [release, text] of checked) {
      assert.ok(text.includes(auth.server.operatorJwt), `${release}: trusts the operator`);
      assert.ok(text.includes(`system_account: "${auth.server.systemAccount}"`), `${release}: the system account by its key`);
      assert.ok(/resolver: \{[^}]*type: "full"/s.test(text), `${release}: the full resolver`);
      for (const [pub, jwt] of Object.entries(auth.server.preload))
        assert.ok(text.includes(`${pub}: "${jwt}"`), `${release} preloads ${pub}`);
      assert.ok(!/verify_and_map|accounts: \{/.test(text), `${release}: no mapped users, no accounts block`);
      assert.ok(/^tls: \{/m.test(text), `${release}: TLS stays`);
    }
    // nats-server -t checks the operator JWT's signature (not yet the preloads: a server checks
    // those against the operator when it starts, so this does).
    const operator = decode(auth.server.operatorJwt).sub;
    for (const jwt of Object.values(auth.server.preload)) assert.equal(decode(jwt).iss, operator, 'each preload is signed by the operator');
    const forged = join(dir, 'forged.conf');
    writeFileSync(forged, checked.get('c1/c1')!.replace(auth.server.operatorJwt, `${auth.server.operatorJwt.slice(0, -4)}AAAA`));
    const bin = await natsServerBin();
    await assert.rejects(run(bin.path, ['-t', '-c', forged]), /operator JWT: claim failed V2 signature verification/);
  });

  it("with edge sites: the hubs' leafnode listeners, their domain, and each edge's remotes and domain pass too", async () => {
    const checked = await checkAll({
      edges: [
        { name: 'e1', hub: 'c1' },
        { name: 'e2', hub: 'c2' },
      ],
    });
    assert.equal(checked.size, 14, 'four releases in each of three clusters, and one per edge site');
    assert.deepEqual([...checked.keys()].filter((r) => r.endsWith('-leaf')).sort(), ['c1/e1-leaf', 'c2/e2-leaf']);
    const e1 = checked.get('c1/e1-leaf')!;
    assert.match(e1, /domain: "e1"/);
    assert.match(e1, /remotes: \[/);
    assert.match(checked.get('c3/c3')!, /leafnodes: \{[^}]*port: 7422/, 'the fallback region listens too');
    assert.match(checked.get('c3/c3')!, /verify_and_map: true/);
    assert.match(checked.get('c1/c1-gw')!, /domain: "hub"/);
  });
});
