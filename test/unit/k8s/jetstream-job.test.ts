// The services image's name and source hash, stage 07's Job, the client certificate copies and the
// recorder cluster choice of the Kubernetes stages 07 and 08.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FLAVORS } from '../../../cluster/kubernetes/flavor.js';
import {
  DOCKERFILE,
  dockerCopySources,
  PENDING_SERVICES_IMAGE,
  servicesImageOf,
  sourceHash,
} from '../../../cluster/kubernetes/image-name.js';
import { readKubeSettings } from '../../../core/settings.js';
import { jetstreamApplyJob, jetstreamJobArgs } from '../../../k8s/jetstream-job.js';
import { kubePlan, recorderClusterOf } from '../../../k8s/plan.js';

import { validateObjects } from '../../../k8s/validate.js';
import { k3dIngressHost } from '../../../nats/addressing.js';
import { type Credentials, DEFAULT_JS_LIMITS } from '../../../nats/server-config.js';
import { buildTopology } from '../../../nats/topology.js';
import { jetstreamApplyTopology } from '../../../services/jetstream-apply.js';
import { ROOT } from '../../support/helpers.js';

const creds: Credentials = {
  sys: 'a',
  admin: 'b',
  math: 'c',
  requester: 'd',
  recorder: 'e',
  gateway: { user: 'gateway', password: 'f' },
  route: { user: 'route', password: 'g' },
};

describe('the services image', () => {
  it('is built from what services/Dockerfile copies', () => {
    const sources = dockerCopySources(readFileSync(join(ROOT, DOCKERFILE), 'utf8'));
    assert.deepEqual(sources, ['cluster', 'nats', 'package-lock.json', 'package.json', 'scripts/lib', 'services', 'tsconfig.json']);
    assert.deepEqual(dockerCopySources('FROM x AS b\nCOPY --from=b /app /app\nCOPY --chown=1000 a b ./\n'), ['a', 'b']);
  });

  it('is tagged by a hash of those files: the same for the same sources, new when one changes', () => {
    const copy = mkdtempSync(join(tmpdir(), 'image-src-'));
    try {
      for (const p of ['services', 'nats', 'scripts/lib', 'package.json', 'package-lock.json', 'tsconfig.json'])
        cpSync(join(ROOT, p), join(copy, p), { recursive: true });
      const a = sourceHash(copy);
      assert.equal(sourceHash(copy), a);
      writeFileSync(join(copy, 'README.md'), 'not copied into the image');
      assert.equal(sourceHash(copy), a, 'a file the Dockerfile does not copy changes nothing');
      writeFileSync(join(copy, 'nats', 'client.ts'), '// changed\n', { flag: 'a' });
      assert.notEqual(sourceHash(copy), a);
      assert.match(servicesImageOf(false, undefined, copy), /^nats-sandbox-services:src-[0-9a-f]{12}$/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('is SERVICES_IMAGE for kube, a placeholder until it is given', () => {
    assert.equal(servicesImageOf(true, 'ghcr.io/me/svc:1'), 'ghcr.io/me/svc:1');
    assert.equal(servicesImageOf(true, undefined), PENDING_SERVICES_IMAGE);
    assert.equal(
      readKubeSettings({ SERVICES_IMAGE: `localhost:5000/svc@sha256:${'a'.repeat(64)}` }).servicesImage,
      `localhost:5000/svc@sha256:${'a'.repeat(64)}`,
    );
    assert.throws(() => readKubeSettings({ SERVICES_IMAGE: 'svc:' }), /SERVICES_IMAGE must be an image reference/);
  });
});

describe("stage 07's Job", () => {
  const replicas = { seed: 1, js: 2, gw: 1, xr: 3 };
  const job = jetstreamApplyJob({ cluster: 'c1', names: ['c1', 'c2'], replicas, image: 'img:1', run: 'abc123', timeoutSeconds: 90 }) as any;

  it('is valid and runs services/main.ts jetstream-apply with the topology, as the admin, outside the mesh', () => {
    assert.deepEqual(validateObjects([job]), []);
    assert.equal(job.metadata.name, 'jetstream-apply-abc123');
    assert.equal(job.metadata.namespace, 'nats');
    const pod = job.spec.template;
    assert.equal(pod.metadata.annotations['linkerd.io/inject'], 'disabled', 'a meshed Job never completes');
    const c = pod.spec.containers[0];
    assert.deepEqual(
      [...c.command, ...c.args],
      ['node', '--import', 'tsx', 'services/main.ts', 'jetstream-apply', '--names', 'c1,c2', '--replicas', 'seed=1,js=2,gw=1,xr=3'],
    );
    assert.equal(pod.spec.volumes[0].secret.secretName, 'nats-client-admin');
    assert.equal(c.env.find((e: any) => e.name === 'NATS_URL').value, 'nats://c1-nats.nats.svc:4222');
    assert.equal(c.env.find((e: any) => e.name === 'JETSTREAM_TIMEOUT_SECONDS').value, '90');
    assert.equal(job.spec.backoffLimit, 0);
  });

  it('gives the entry the topology the plan was made with', () => {
    const topo = jetstreamApplyTopology(jetstreamJobArgs(['c1', 'c2'], replicas).slice(1));
    assert.deepEqual(topo.names, ['c1', 'c2']);
    assert.deepEqual(topo.options.replicas, replicas);
    assert.throws(() => jetstreamApplyTopology([]), /--names/);
    assert.throws(() => jetstreamApplyTopology(['--names', 'c1', '--replicas', 'js=0']), /--replicas/);
  });
});

describe('stage 08 in the plan', () => {
  const plan = (env: NodeJS.ProcessEnv = {}) =>
    kubePlan({
      sharedCluster: false,
      topo: buildTopology(['c1', 'c2', 'c3']),
      targets: FLAVORS.k3d.targets(['c1', 'c2', 'c3'], {}),
      settings: readKubeSettings(env),
      jsLimits: DEFAULT_JS_LIMITS,
      credentials: creds,
      ingressHost: k3dIngressHost,
      servicesImage: 'img:1',
    });

  it("puts MySQL and the recorder into RECORDER_CLUSTER, stage 07's Job into the first cluster, no Secret into a file", () => {
    const plans = plan({ RECORDER_CLUSTER: 'c2' });
    assert.deepEqual(
      plans.map((p) => p.services.recorder),
      [false, true, false],
    );
    assert.deepEqual(
      plans.map((p) => p.services.identities),
      [
        ['math', 'requester'],
        ['math', 'requester', 'recorder'],
        ['math', 'requester'],
      ],
    );
    assert.ok(plans[1]!.services.workloads.objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'mysql'));
    assert.deepEqual(
      plans.map((p) => !!p.jetstream),
      [true, false, false],
    );
    for (const p of plans) {
      assert.deepEqual(
        [p.services.namespace, p.services.workloads, p.services.requester].flatMap((f) => f.objects).filter((o) => o.kind === 'Secret'),
        [],
      );
      assert.deepEqual(
        validateObjects([...p.services.namespace.objects, ...p.services.workloads.objects, ...p.services.requester.objects]),
        [],
      );
    }
  });

  it('refuses a RECORDER_CLUSTER that is not one of the names, before anything runs', () => {
    assert.throws(() => plan({ RECORDER_CLUSTER: 'c9' }), /RECORDER_CLUSTER is c9, which is not one of the cluster names c1, c2, c3/);
    assert.equal(recorderClusterOf({ settings: readKubeSettings({}), targets: FLAVORS.k3d.targets(['eu', 'us'], {}) }), 'eu');
  });

  it("issues the services' client certificates in their own namespace from the sandbox CA, so cert-manager renews them there", () => {
    const pki = plan().find((p) => p.target.name === 'c1')!.services.pki.objects as any[];
    const issuer = pki.find((o) => o.kind === 'Issuer');
    assert.deepEqual([issuer.metadata.namespace, issuer.spec.ca.secretName], ['math', 'nats-sandbox-ca']);
    const certs = pki.filter((o) => o.kind === 'Certificate');
    assert.deepEqual(certs.map((c) => c.metadata.name).sort(), ['nats-client-math', 'nats-client-recorder', 'nats-client-requester']);
    for (const c of certs) {
      assert.equal(c.metadata.namespace, 'math');
      assert.deepEqual(c.spec.issuerRef, { kind: 'Issuer', name: issuer.metadata.name });
      assert.ok(c.spec.renewBefore, 'renewed before it expires');
    }
    assert.deepEqual(validateObjects(pki), []);
  });
});
