// Every object the stages apply is valid: the Kubernetes API's schemas, the upstream CRDs of the pinned versions, names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grafanaAdminSecret } from '../../../k8s/monitoring.js';
import { natsCredentialsSecret } from '../../../k8s/nats-manifests.js';
import type { K8sObject } from '../../../k8s/objects.js';
import { type ClusterPlan, planManifests } from '../../../k8s/plan.js';
import type { KubeProvider } from '../../../k8s/targets.js';
import { validateObject, validateObjects } from '../../../k8s/validate.js';
import { TEST_CREDENTIALS, testPlans } from '../../support/kube-plan.js';

const creds = TEST_CREDENTIALS;
function plansFor(provider: KubeProvider, names = ['c1', 'c2', 'c3'], credentials = creds): ClusterPlan[] {
  return testPlans(provider, { names, credentials, contexts: { c2: 'my-eks' } });
}

describe('rendered Kubernetes objects', () => {
  for (const provider of ['k3d', 'kube'] as const) {
    it(`are all valid for ${provider} (API and CRD schemas, names), per cluster`, () => {
      for (const plan of plansFor(provider)) {
        const objects = planManifests(plan).flatMap((m) => m.objects);
        assert.ok(objects.length >= 14, `${plan.target.name}: ${objects.length} objects`);
        assert.deepEqual(validateObjects(objects), [], plan.target.name);
      }
    });
  }

  it('include the objects made at install time, which are valid too', () => {
    const made: K8sObject[] = [
      grafanaAdminSecret('pw'),
      natsCredentialsSecret({ NATS_SYS_PASSWORD: '"x"', 'routes.c1-js': '["nats://route:x@c1-js-nats-0.c1-js-nats-headless:6222"]' }),
    ];
    assert.deepEqual(validateObjects(made), []);
  });

  it('are checked for real: broken objects are reported', () => {
    const [plan] = plansFor('k3d');
    const tcp = structuredClone(plan!.supercluster.tcpRoutes.objects[0]!) as K8sObject & { spec: { service: { port: unknown } }[] };
    tcp.spec[0]!.service.port = 'seven';
    assert.match(validateObject(tcp).join(), /port must be integer/);
    const typo = structuredClone(plan!.supercluster.tcpRoutes.objects[0]!) as K8sObject & { spec: Record<string, unknown>[] };
    typo.spec[0]!.backend = { name: 'x' };
    assert.match(validateObject(typo).join(), /additional properties \(backend\)/);
    const svc = structuredClone(plan!.supercluster.xrJsService.objects[0]!) as K8sObject & { spec: { ports: { port: unknown }[] } };
    svc.spec.ports[0]!.port = '4222';
    assert.match(validateObject(svc).join(), /port must be integer/);
    const cert = structuredClone(plan!.linkerd.identityIssuer.objects[0]!) as K8sObject & { spec: { privateKey: { algorithm: string } } };
    cert.spec.privateKey.algorithm = 'DSA';
    assert.match(validateObject(cert).join(), /algorithm must be equal to one of the allowed values/);
    const ns = structuredClone(plan!.supercluster.namespace.objects[0]!);
    ns.metadata.name = 'NATS_ns';
    assert.match(validateObject(ns).join(), /not a DNS-1123/);
    const monitor = structuredClone(plan!.observability.monitors.objects[0]!);
    delete monitor.metadata.namespace;
    assert.match(validateObject(monitor).join(), /namespaced but has no namespace/);
    assert.match(
      validateObject({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'a', namespace: 'b' } }).join(),
      /no schema/,
    );
  });

  it('refuse unknown fields in core objects, as the Kubernetes API schema of the stored version lists them', () => {
    const objects = plansFor('k3d').flatMap((p) => planManifests(p).flatMap((m) => m.objects));
    type Workload = K8sObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    for (const kind of ['StatefulSet', 'Deployment']) {
      const workload = structuredClone(objects.find((o) => o.kind === kind)!) as Workload;
      workload.spec.template.spec.containers[0]!.imagePullPolcy = 'IfNotPresent';
      assert.match(
        validateObject(workload).join(),
        new RegExp(`^${kind} .*: /spec/template/spec/containers/0 must NOT have additional properties \\(imagePullPolcy\\)$`),
      );
    }
    const svc = structuredClone(objects.find((o) => o.kind === 'Service')!) as K8sObject & { spec: Record<string, unknown> };
    svc.spec.externalTrafficPolcy = 'Local';
    assert.match(validateObject(svc).join(), /\/spec must NOT have additional properties \(externalTrafficPolcy\)/);
    const ns = structuredClone(objects.find((o) => o.kind === 'Namespace')!) as K8sObject & { metadata: Record<string, unknown> };
    ns.metadata.lables = { a: 'b' };
    assert.match(validateObject(ns).join(), /\/metadata must NOT have additional properties \(lables\)/);
  });

  it("refuse a core object's value outside its enum, which the API documents leave to the API server", () => {
    const objects = plansFor('k3d').flatMap((p) => planManifests(p).flatMap((m) => m.objects));
    type Workload = K8sObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const sts = structuredClone(objects.find((o) => o.kind === 'StatefulSet')!) as Workload;
    sts.spec.template.spec.containers[0]!.imagePullPolicy = 'Allways';
    assert.match(validateObject(sts).join(), /containers\/0\/imagePullPolicy must be equal to one of the allowed values/);
    const svc = structuredClone(objects.find((o) => o.kind === 'Service')!) as K8sObject & { spec: Record<string, unknown> };
    svc.spec.type = 'LoadBalanced';
    assert.match(validateObject(svc).join(), /spec\/type must be equal to one of the allowed values/);
  });

  it('refuse unknown fields and missing required ones in cert-manager and trust-manager objects (their pinned CRDs)', () => {
    const [plan] = plansFor('k3d');
    const cert = structuredClone(plan!.linkerd.identityIssuer.objects[0]!) as K8sObject & { spec: Record<string, unknown> };
    cert.spec.bogus = true;
    assert.match(
      validateObject(cert).join(),
      /Certificate linkerd\/linkerd-identity-issuer: \/spec must NOT have additional properties \(bogus\)/,
    );
    // trust-manager v0.18.0 requires spec.target.
    const bundle = structuredClone(plan!.linkerd.trustBundle.objects[0]!) as K8sObject & { spec: Record<string, unknown> };
    delete bundle.spec.target;
    assert.match(validateObject(bundle).join(), /\/spec must have required property 'target'/);
  });

  it("refuse unknown fields in a custom resource's metadata, which the API server decodes as ObjectMeta", () => {
    const [plan] = plansFor('k3d');
    const cert = structuredClone(plan!.linkerd.identityIssuer.objects[0]!) as K8sObject & { metadata: Record<string, unknown> };
    cert.metadata.lables = { a: 'b' };
    cert.metadata.finalizers = 'x';
    assert.deepEqual(validateObject(cert), [
      'Certificate linkerd/linkerd-identity-issuer: /metadata must NOT have additional properties (lables)',
      'Certificate linkerd/linkerd-identity-issuer: /metadata/finalizers must be array',
    ]);
  });
});
