// Linkerd's PKI: one shared trust anchor in every cluster, so identities verify across the links
// and no cluster renews its anchor alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorSecretCommand, identityIssuerCertificate, linkerdIssuers, trustBundle } from '../../../k8s/linkerd-pki.js';
import { validateObjects } from '../../../k8s/validate.js';
import { testPlans } from '../../support/kube-plan.js';

describe("linkerd's PKI", () => {
  it('issues every identity issuer from the one trust anchor Secret, which no cluster issues (or renews) itself', () => {
    const objects = [...linkerdIssuers(), identityIssuerCertificate(), trustBundle()];
    assert.deepEqual(validateObjects(objects), []);
    assert.ok(!objects.some((o) => o.kind === 'Certificate' && (o as any).spec.secretName === 'linkerd-trust-anchor'));
    const issuer = objects.find((o) => o.kind === 'ClusterIssuer') as any;
    assert.equal(issuer.spec.ca.secretName, 'linkerd-trust-anchor');
    assert.deepEqual(
      (trustBundle() as any).spec.sources.map((s: any) => s.secret.name),
      ['linkerd-trust-anchor'],
    );
    assert.deepEqual(anchorSecretCommand('a.crt', 'a.key').slice(0, 7), [
      'kubectl',
      'create',
      'secret',
      'tls',
      'linkerd-trust-anchor',
      '--namespace',
      'cert-manager',
    ]);
  });

  it('is the same in every cluster', () => {
    const names = ['c1', 'c2', 'c3'];
    const plans = testPlans('k3d', { names });
    const of = (p: (typeof plans)[number]) => JSON.stringify([p.linkerd.issuers, p.linkerd.identityIssuer, p.linkerd.trustBundle]);
    for (const p of plans) assert.equal(of(p), of(plans[0]!));
  });
});
