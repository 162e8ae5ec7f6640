// Validators made from the Kubernetes API's own OpenAPI documents (the stored 1.35 ones) check core
// objects as `kubectl apply --validate=strict` does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiDocument } from '../../../k8s/api-schema.js';
import { KUBERNETES_API, kubernetesApiKind } from '../../../k8s/upstream.js';

const meta = { name: 'a', namespace: 'b' };
const container = (extra: Record<string, unknown>) => ({ name: 'c', image: 'i', ...extra });
const deployment = (c: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta,
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [c] } } },
});

describe('Kubernetes API schemas', () => {
  it('are the stored documents of one named version', () => {
    assert.equal(KUBERNETES_API.version, '1.35');
    assert.deepEqual(
      KUBERNETES_API.files.map((f) => f.apiVersion),
      ['v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1'],
    );
  });

  it('describe the kinds one can create, namespaced or not as their paths say', () => {
    assert.equal(kubernetesApiKind('v1', 'Service')?.namespaced, true);
    assert.equal(kubernetesApiKind('v1', 'Namespace')?.namespaced, false);
    assert.equal(kubernetesApiKind('rbac.authorization.k8s.io/v1', 'ClusterRole')?.namespaced, false);
    assert.equal(kubernetesApiKind('rbac.authorization.k8s.io/v1', 'RoleBinding')?.namespaced, true);
    assert.equal(kubernetesApiKind('v1', 'DeleteOptions'), undefined, 'a definition, not a kind one creates');
    assert.equal(kubernetesApiKind('networking.k8s.io/v1', 'Ingress'), undefined, 'a group version not stored');
  });

  it('take int-or-string ports and quantities as numbers or strings', () => {
    const service = kubernetesApiKind('v1', 'Service')!;
    const svc = (targetPort: unknown) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: { ports: [{ port: 80, targetPort }] },
    });
    assert.ok(service.validate(svc('http')));
    assert.ok(service.validate(svc(8080)));
    assert.ok(!service.validate(svc(true)));
    const deploy = kubernetesApiKind('apps/v1', 'Deployment')!;
    const resources = { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: 1, memory: 134217728 } };
    assert.ok(
      deploy.validate(deployment(container({ resources, ports: [{ name: 'nats', containerPort: 4222 }] }))),
      JSON.stringify(deploy.validate.errors),
    );
    assert.ok(!deploy.validate(deployment(container({ resources: { limits: { cpu: true } } }))));
  });

  it('refuse unknown fields, in metadata and nested objects too, and missing required ones', () => {
    const deploy = kubernetesApiKind('apps/v1', 'Deployment')!;
    assert.ok(!deploy.validate(deployment(container({ imagePullPolcy: 'Always' }))));
    assert.ok(!deploy.validate({ ...deployment(container({})), metadata: { ...meta, lables: {} } }));
    assert.ok(!deploy.validate(deployment({ image: 'no-name' })));
    assert.ok(deploy.validate(deployment(container({ imagePullPolicy: 'Always' }))));
  });

  it('fail on a file that is not an OpenAPI document of the API', () => {
    assert.throws(() => apiDocument('{}', 'x.json', 'test'), /x\.json: not an OpenAPI v3 document/);
    assert.throws(() => apiDocument('{"components":{"schemas":{}},"paths":{}}', 'y.json', 'test'), /y\.json: no kind one can create/);
  });
});
