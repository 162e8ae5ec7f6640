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

  /** Each release's pod 0 config through `nats-server -t`; what was checked, by release name. */
  async function check(o: TestPlanOptions, look: (release: string, text: string) => void = () => undefined): Promise<string[]> {
    const bin = await natsServerBin();
    const input = testPlanInput('k3d', o);
    const checked: string[] = [];
    for (const plan of testPlans('k3d', o)) {
      const secrets = {
        [NATS_SECRET]: natsSecretData(natsValuesInput(input, plan.target)),
        [NATS_SERVER_TLS_SECRET]: { 'ca.crt': 'mounted', 'tls.crt': 'mounted', 'tls.key': 'mounted' },
      };
      for (const release of plan.supercluster.nats) {
        const text = toNatsConf(chartServerConfig(release.values, release.release, 0, secrets) as never)
          .replaceAll(MOUNT, certs)
          .replaceAll('"/data"', JSON.stringify(join(dir, release.release)))
          .replaceAll('"/var/run/nats/nats.pid"', JSON.stringify(join(dir, `${plan.target.name}-${release.release}.pid`)));
        look(release.release, text);
        const file = join(dir, `${plan.target.name}-${release.release}.conf`);
        mkdirSync(join(dir, release.release), { recursive: true });
        writeFileSync(file, text);
        const { stdout, stderr } = await run(bin.path, ['-t', '-c', file]).catch((e) => {
          throw new Error(`${plan.target.name}/${release.release}: nats-server -t refused it:\n${e.stderr}\n${text}`);
        });
        assert.match(`${stdout}${stderr}`, /configuration file .* is valid/);
        checked.push(release.release);
      }
    }
    return checked;
  }

  it('every pod config of c1 c2 c3 passes nats-server -t, with the xr-js routes compressed', async () => {
    const env = { XR_ROUTE_COMPRESSION: 's2_auto', XR_ROUTE_POOL_SIZE: '3' };
    const checked = await check({ env }, (release, text) => {
      if (release === 'xr-js') {
        assert.match(text, /compression: "s2_auto"/);
        assert.match(text, /pool_size: 3/);
      }
    });
    assert.equal(checked.length, 12, 'four releases in each of three clusters');
  });

  it("with edge sites: the hubs' leafnode listeners, their domain, and each edge's remotes and domain pass too", async () => {
    const seen: Record<string, string> = {};
    const checked = await check(
      {
        edges: [
          { name: 'e1', hub: 'c1' },
          { name: 'e2', hub: 'c2' },
        ],
      },
      (release, text) => {
        seen[release] = text;
      },
    );
    assert.equal(checked.length, 14, 'four releases in each of three clusters, and one per edge site');
    assert.deepEqual(checked.filter((r) => r.endsWith('-leaf')).sort(), ['e1-leaf', 'e2-leaf']);
    assert.match(seen['e1-leaf']!, /domain: "e1"/);
    assert.match(seen['e1-leaf']!, /remotes: \[/);
    assert.match(seen.c3!, /leafnodes: \{[^}]*port: 7422/, 'the fallback region listens too');
    assert.match(seen.c3!, /verify_and_map: true/);
    assert.match(seen['c1-gw']!, /domain: "hub"/);
  });
});
