// The plan of each cluster: linkerd links, the ingress class, contexts, and stage 08's placement.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterPlan } from '../../../k8s/plan.js';
import type { KubeProvider } from '../../../k8s/targets.js';
import { TEST_CREDENTIALS, testPlans } from '../../support/kube-plan.js';

const creds = TEST_CREDENTIALS;
function plansFor(provider: KubeProvider, names = ['c1', 'c2', 'c3'], credentials = creds): ClusterPlan[] {
  return testPlans(provider, { names, credentials, contexts: { c2: 'my-eks' } });
}

describe('the plan of each cluster', () => {
  it("configure one linkerd link controller per other cluster and the seed's chart options", () => {
    const [c1] = plansFor('k3d');
    assert.deepEqual(c1!.linkerd.multicluster.values, {
      controllers: [{ link: { ref: { name: 'c2' } } }, { link: { ref: { name: 'c3' } } }],
      controllerDefaults: { enableHeadlessServices: true },
    });
    assert.deepEqual((c1!.linkerd.controlPlane.values as { identity: unknown }).identity, {
      externalCA: true,
      issuer: { scheme: 'kubernetes.io/tls' },
    });
    assert.deepEqual(c1!.linkerd.crds.values, { installGatewayAPI: true });
    assert.deepEqual(c1!.certs.certManager.values, { crds: { enabled: true } });
    assert.deepEqual(c1!.certs.trustManager.values, { app: { trust: { namespace: 'cert-manager' } } });
  });

  it('make haproxy the default ingress class only in clusters of our own (k3d)', () => {
    const klass = (p: ClusterPlan) =>
      (p.ingress.haproxy.values as { controller: { ingressClassResource: { default: boolean } } }).controller.ingressClassResource.default;
    assert.equal(klass(plansFor('k3d')[0]!), true);
    assert.equal(klass(plansFor('kube')[0]!), false);
  });

  it('use the kube context given for a name, k3d-<name> for k3d', () => {
    assert.deepEqual(
      plansFor('kube').map((p) => p.target.context),
      ['c1', 'my-eks', 'c3'],
    );
    assert.deepEqual(
      plansFor('k3d').map((p) => p.target.context),
      ['k3d-c1', 'k3d-c2', 'k3d-c3'],
    );
  });
});
