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
import { testPlanInput, testPlans } from '../../support/kube-plan.js';
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

  it('every pod config of c1 c2 c3 passes nats-server -t, with the xr-js routes compressed', async () => {
    const bin = await natsServerBin();
    const env = { XR_ROUTE_COMPRESSION: 's2_auto', XR_ROUTE_POOL_SIZE: '3' };
    const input = testPlanInput('k3d', { env });
    let checked = 0;
    for (const plan of testPlans('k3d', { env })) {
      const secrets = {
        [NATS_SECRET]: natsSecretData(natsValuesInput(input, plan.target)),
        [NATS_SERVER_TLS_SECRET]: { 'ca.crt': 'mounted', 'tls.crt': 'mounted', 'tls.key': 'mounted' },
      };
      for (const release of plan.supercluster.nats) {
        const text = toNatsConf(chartServerConfig(release.values, release.release, 0, secrets) as never)
          .replaceAll(MOUNT, certs)
          .replaceAll('"/data"', JSON.stringify(join(dir, release.release)))
          .replaceAll('"/var/run/nats/nats.pid"', JSON.stringify(join(dir, `${plan.target.name}-${release.release}.pid`)));
        if (release.release === 'xr-js') {
          assert.match(text, /compression: "s2_auto"/);
          assert.match(text, /pool_size: 3/);
        }
        const file = join(dir, `${plan.target.name}-${release.release}.conf`);
        mkdirSync(join(dir, release.release), { recursive: true });
        writeFileSync(file, text);
        const { stdout, stderr } = await run(bin.path, ['-t', '-c', file]).catch((e) => {
          throw new Error(`${plan.target.name}/${release.release}: nats-server -t refused it:\n${e.stderr}\n${text}`);
        });
        assert.match(`${stdout}${stderr}`, /configuration file .* is valid/);
        checked++;
      }
    }
    assert.equal(checked, 12, 'four releases in each of three clusters');
  });
});
