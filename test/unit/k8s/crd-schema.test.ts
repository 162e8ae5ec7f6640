// Validators made from upstream CRDs check as `kubectl apply --validate=strict` does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdVersions } from '../../../k8s/crd-schema.js';
import { defaultCrds } from '../../../k8s/validate.js';

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Thing }
  versions:
  - name: v1
    served: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: { type: string }
          kind: { type: string }
          metadata: { type: object }
          spec:
            type: object
            properties:
              port: { x-kubernetes-int-or-string: true }
              free: { type: object, x-kubernetes-preserve-unknown-fields: true }
            required: [port]
  - name: v0
    served: false
`;

describe('CRD schemas', () => {
  const [thing] = crdVersions(CRD, 'inline');
  const obj = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'a' }, spec });

  it('are keyed group/version/Kind, only for served versions', () => {
    assert.equal(thing!.key, 'example.com/v1/Thing');
    assert.equal(crdVersions(CRD, 'inline').length, 1);
  });

  it('refuse unknown fields except where the CRD preserves them, and take int-or-string', () => {
    assert.ok(thing!.validate(obj({ port: 1, free: { anything: 1 } })));
    assert.ok(thing!.validate(obj({ port: 'http' })));
    assert.ok(!thing!.validate(obj({ port: 1, typo: true })));
    assert.ok(!thing!.validate(obj({})));
  });

  it('are read for every pinned upstream CRD: cert-manager, trust-manager, haproxy v3 TCP, PodMonitor, ServiceMonitor', () => {
    assert.deepEqual(
      defaultCrds()
        .map((c) => c.key)
        .sort(),
      [
        'cert-manager.io/v1/Certificate',
        'cert-manager.io/v1/ClusterIssuer',
        'cert-manager.io/v1/Issuer',
        'ingress.v3.haproxy.org/v3/TCP',
        'monitoring.coreos.com/v1/PodMonitor',
        'monitoring.coreos.com/v1/ServiceMonitor',
        'trust.cert-manager.io/v1alpha1/Bundle',
      ],
    );
  });

  it('are compiled when first used, not when read', () => {
    const [broken] = crdVersions(CRD.replace('type: object\n        properties:', 'type: 7\n        properties:'), 'inline');
    assert.equal(broken!.key, 'example.com/v1/Thing');
    assert.throws(() => broken!.validate, /schema is invalid/);
  });

  it('fail on a file that holds no CRD', () => {
    assert.throws(() => crdVersions('kind: ConfigMap\n', 'x.yaml'), /x\.yaml: no CustomResourceDefinition/);
  });
});
