// Stage 07's Kubernetes Job for real: its entry (the services bundle's jetstream-apply, with the args
// the Job renders) run as the pod runs it, NATS_URL plus a certificate folder, against a local mTLS
// supercluster. It applies the spec, reports a re-run unchanged, and fails without the admin's rights.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLocalState } from '../../cluster/local/state.js';
import { regionClientUrls } from '../../cluster/local/supercluster.js';
import { pkiPaths } from '../../core/pki.js';
import { jetstreamJobArgs } from '../../k8s/jetstream-job.js';
import type { Identity } from '../../nats/accounts.js';
import { ensureServicesBuild } from '../../services/build.js';
import { portBase } from '../support/ports.js';
import { expectOk, type Fixture, makeFixture, NAMES, SMALL } from '../support/services-fixture.js';

const PORT_BASE = portBase('k8sJetStreamJob');
const REPLICAS = { seed: 1, js: 1, gw: 1, xr: 1 };
/** The services build, what the image's ENTRYPOINT runs. */
let bundle: string;

/** The Job's container command, with the pod's environment: where to connect and the mounted certificate. */
function runJob(fx: Fixture, identity: Identity, extraEnv: NodeJS.ProcessEnv = {}) {
  const env = {
    PATH: process.env.PATH,
    NATS_URL: regionClientUrls(fx.topo(), readLocalState(fx.sandbox.dir)!, 'c1').join(','),
    NATS_TLS_DIR: pkiPaths(fx.sandbox.dir).client(identity),
    JETSTREAM_TIMEOUT_SECONDS: '60',
    ...extraEnv,
  };
  return new Promise<{ code: number; out: string }>((resolve, reject) => {
    // In the bundle's folder, as the image's /app: it needs nothing of the repository.
    const child = spawn(process.execPath, [bundle, ...jetstreamJobArgs(NAMES, REPLICAS)], {
      cwd: dirname(bundle),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    });
  });
}

describe("stage 07's Job entry against a local mTLS supercluster", { timeout: 300_000 }, () => {
  let fx: Fixture;

  before(async () => {
    fx = makeFixture(PORT_BASE);
    bundle = (await ensureServicesBuild()).entry;
    for (const stage of ['01-clusters', '06-supercluster']) expectOk(await fx.run(stage, [...NAMES, ...SMALL]), stage);
  });
  after(async () => {
    await fx?.cleanup();
  });

  it('applies the spec as the admin and prints each item and placement', async () => {
    const r = await runJob(fx, 'admin');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /stream answers: created/);
    assert.match(r.out, /consumer answers\/answers-consumer: created/);
    assert.match(r.out, /stream answers on xr-js: c\d-xr-js-nats-0, c\d-xr-js-nats-0, c\d-xr-js-nats-0/);
  });

  it('reports every item unchanged when it runs again', async () => {
    const r = await runJob(fx, 'admin');
    assert.equal(r.code, 0, r.out);
    assert.equal((r.out.match(/: unchanged/g) ?? []).length, 7, r.out);
  });

  it('fails, and the Job with it, with a certificate that may not use the JetStream API', async () => {
    const r = await runJob(fx, 'math', { JETSTREAM_TIMEOUT_SECONDS: '2' });
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /JetStream did not answer within 2s/);
  });
});
