// Stage 08 in the plan: where MySQL and the recorder run, and the services' own client certificates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAVORS } from '../../../cluster/kubernetes/flavor.js';
import { readKubeSettings } from '../../../core/settings.js';
import { recorderClusterOf } from '../../../k8s/plan.js';
import { validateObjects } from '../../../k8s/validate.js';
import type { Credentials } from '../../../nats/server-config.js';
import { testPlans } from '../../support/kube-plan.js';

const creds: Credentials = {
  sys: 'a',
  admin: 'b',
  math: 'c',
  requester: 'd',
  recorder: 'e',
  gateway: { user: 'gateway', password: 'f' },
  route: { user: 'route', password: 'g' },
};

describe('stage 08 in the plan', () => {
  const plan = (env: NodeJS.ProcessEnv = {}) => testPlans('k3d', { env, credentials: creds, servicesImage: 'img:1' });

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
