import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MYSQL_SECRET, renderServices, SERVICES_NAMESPACE, type ServicesManifestInput } from '../../../k8s/services.js';

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
  stringData?: Record<string, string>;
  validate(): void;
  toJSON(): unknown;
};

const input: ServicesManifestInput = {
  names: ['c1', 'c2', 'c3'],
  auth: { kind: 'password', passwords: { math: 'math-secret-1', requester: 'req-secret-2', recorder: 'rec-secret-3' } },
  mysql: { password: 'mysql-app-secret', rootPassword: 'mysql-root-secret' },
};

const render = (i = input) => renderServices(i) as unknown as Record<string, Obj[]>;
const find = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('Kubernetes manifests of the services', () => {
  it('validate against the Kubernetes schemas', () => {
    for (const objs of Object.values(render()))
      for (const o of objs) assert.doesNotThrow(() => o.validate(), `${o.kind} ${o.metadata.name}`);
  });

  it('run the four math services with 3 replicas and the requester Job in every cluster, each in its region', () => {
    for (const [cluster, objs] of Object.entries(render())) {
      for (const s of ['adder', 'subtractor', 'multiplier', 'divider']) {
        const d = find(objs, 'Deployment', s)!;
        assert.equal(d.spec.replicas, 3);
        assert.deepEqual(d.spec.selector.matchLabels, d.spec.template.metadata.labels);
        const c = d.spec.template.spec.containers[0];
        assert.deepEqual(c.args, [s]);
        assert.equal(c.env.find((e: any) => e.name === 'REGION').value, cluster);
        assert.equal(c.env.find((e: any) => e.name === 'NATS_URL').value, `nats://${cluster}-nats.nats.svc:4222`);
        assert.deepEqual(c.envFrom, [{ secretRef: { name: 'nats-client-math' } }]);
      }
      const job = find(objs, 'Job', 'requester')!;
      assert.deepEqual(job.spec.template.spec.containers[0].args.slice(0, 3), ['requester', '--from', cluster]);
      assert.equal(job.spec.template.spec.restartPolicy, 'Never');
      assert.ok(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === SERVICES_NAMESPACE));
    }
  });

  it('puts MySQL (official image, generated password in a Secret) and the recorder in the recorder cluster only', () => {
    const all = render({ ...input, recorderCluster: 'c2' });
    assert.ok(!find(all.c1!, 'StatefulSet', 'mysql') && !find(all.c3!, 'Deployment', 'recorder'));
    const objs = all.c2!;
    const sts = find(objs, 'StatefulSet', 'mysql')!;
    const c = sts.spec.template.spec.containers[0];
    assert.match(c.image, /^mysql:/);
    const secret = find(objs, 'Secret', MYSQL_SECRET)!;
    for (const e of c.env) {
      assert.equal(e.valueFrom.secretKeyRef.name, MYSQL_SECRET);
      assert.ok(e.valueFrom.secretKeyRef.key in secret.stringData!, e.name);
    }
    assert.equal(secret.stringData!.MYSQL_PASSWORD, 'mysql-app-secret');
    const rec = find(objs, 'Deployment', 'recorder')!.spec.template.spec.containers[0];
    assert.deepEqual(rec.args, ['recorder']);
    assert.equal(rec.env.find((e: any) => e.name === 'MYSQL_URL').valueFrom.secretKeyRef.key, 'MYSQL_URL');
    assert.match(secret.stringData!.MYSQL_URL!, /@mysql-0\.mysql\.math\.svc:3306\/answers$/);
    assert.throws(() => renderServices({ ...input, recorderCluster: 'c9' }), /RECORDER_CLUSTER c9/);
  });

  it('keeps passwords in Secrets only, and mounts certificates instead with mTLS', () => {
    for (const objs of Object.values(render())) {
      for (const o of objs.filter((x) => x.kind !== 'Secret')) {
        const text = JSON.stringify(o.toJSON());
        for (const p of ['math-secret-1', 'req-secret-2', 'rec-secret-3', 'mysql-app-secret', 'mysql-root-secret'])
          assert.ok(!text.includes(p), `${o.kind} ${o.metadata.name} holds a password`);
      }
    }
    const tls = render({
      ...input,
      auth: { kind: 'tls', secrets: { math: 'math-tls', requester: 'requester-tls', recorder: 'recorder-tls' } },
    });
    const d = find(tls.c1!, 'Deployment', 'adder')!.spec.template.spec;
    assert.equal(d.volumes[0].secret.secretName, 'math-tls');
    assert.equal(d.containers[0].env.find((e: any) => e.name === 'NATS_TLS_DIR').value, d.containers[0].volumeMounts[0].mountPath);
    assert.ok(!find(tls.c1!, 'Secret', 'nats-client-math'));
  });
});
