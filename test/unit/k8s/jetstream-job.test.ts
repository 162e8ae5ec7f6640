// Stage 07's Job: it runs the services bundle's jetstream-apply with the plan's topology.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jetstreamApplyJob, jetstreamJobArgs } from '../../../k8s/jetstream-job.js';

import { validateObjects } from '../../../k8s/validate.js';
import { jetstreamApplyTopology } from '../../../services/jetstream-apply.js';

describe("stage 07's Job", () => {
  const replicas = { seed: 1, js: 2, gw: 1, xr: 3 };
  const job = jetstreamApplyJob({ cluster: 'c1', names: ['c1', 'c2'], replicas, image: 'img:1', run: 'abc123', timeoutSeconds: 90 }) as any;

  it("is valid and runs the bundle's jetstream-apply with the topology, as the admin, outside the mesh", () => {
    assert.deepEqual(validateObjects([job]), []);
    assert.equal(job.metadata.name, 'jetstream-apply-abc123');
    assert.equal(job.metadata.namespace, 'nats');
    const pod = job.spec.template;
    assert.equal(pod.metadata.annotations['linkerd.io/inject'], 'disabled', 'a meshed Job never completes');
    const c = pod.spec.containers[0];
    assert.deepEqual(
      [...c.command, ...c.args],
      ['node', '/app/main.mjs', 'jetstream-apply', '--names', 'c1,c2', '--replicas', 'seed=1,js=2,gw=1,xr=3'],
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
