// Linkerd's PKI through cert-manager and trust-manager, per cluster: a self-signed root issuer and
// trust anchor (ECDSA, one year) in cert-manager's namespace, a ClusterIssuer signing the identity
// issuer (48h, renewed after 23h), and the trust bundle every control plane namespace receives:
// this cluster's anchor, its previous anchor, and the anchors of all other clusters (so identities
// verify across the multicluster links).
import { Certificate, ClusterIssuer, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { Bundle } from '@kubernetes-models/cert-manager/trust.cert-manager.io/v1alpha1';
import { Secret } from 'kubernetes-models/v1';
import { importedAnchorName, LINKERD, NAMESPACES } from './names.js';
import { base64Data, type K8sObject, plain } from './objects.js';

const TLS_CRT = 'tls.crt';

export function linkerdIssuers(): K8sObject[] {
  return [
    plain(new Issuer({ metadata: { name: LINKERD.rootIssuer, namespace: NAMESPACES.certManager }, spec: { selfSigned: {} } })),
    plain(
      new Certificate({
        metadata: { name: LINKERD.trustAnchor, namespace: NAMESPACES.certManager },
        spec: {
          issuerRef: { kind: 'Issuer', name: LINKERD.rootIssuer },
          secretName: LINKERD.trustAnchor,
          isCA: true,
          commonName: 'root.linkerd.cluster.local',
          duration: '8760h0m0s',
          renewBefore: '7320h0m0s',
          privateKey: { rotationPolicy: 'Always', algorithm: 'ECDSA' },
        },
      }),
    ),
    plain(new ClusterIssuer({ metadata: { name: LINKERD.identityIssuer }, spec: { ca: { secretName: LINKERD.trustAnchor } } })),
  ];
}

/** Needs the linkerd namespace; issued by the ClusterIssuer above. */
export function identityIssuerCertificate(): K8sObject {
  return plain(
    new Certificate({
      metadata: { name: LINKERD.identityIssuer, namespace: NAMESPACES.linkerd },
      spec: {
        issuerRef: { kind: 'ClusterIssuer', name: LINKERD.identityIssuer },
        secretName: LINKERD.identityIssuer,
        isCA: true,
        commonName: 'identity.linkerd.cluster.local',
        duration: '48h0m0s',
        renewBefore: '25h0m0s',
        privateKey: { rotationPolicy: 'Always', algorithm: 'ECDSA' },
      },
    }),
  );
}

/** A public trust anchor certificate as a Secret trust-manager can read (no private key). */
function anchorSecret(name: string, pem: string, labels: Record<string, string>): K8sObject {
  return plain(
    new Secret({
      metadata: { name, namespace: NAMESPACES.certManager, labels },
      type: 'Opaque',
      data: base64Data({ [TLS_CRT]: pem }),
    }),
  );
}

/** The copy of the first trust anchor, made once, so a rotated anchor stays trusted meanwhile. */
export function previousAnchorSecret(pem: string): K8sObject {
  return anchorSecret(LINKERD.previousAnchor, pem, { 'app.kubernetes.io/managed-by': 'nats-supercluster-sandbox' });
}

/** Another cluster's trust anchor, imported into this one. */
export function importedAnchorSecret(fromCluster: string, pem: string): K8sObject {
  return anchorSecret(importedAnchorName(fromCluster), pem, {
    'app.kubernetes.io/managed-by': 'nats-supercluster-sandbox',
    'sandbox.nats.io/anchor-of': fromCluster,
  });
}

/** The whole bundle, written at once: re-applying it never duplicates a source. */
export function trustBundle(cluster: string, allClusters: readonly string[]): K8sObject {
  const others = [...new Set(allClusters)].filter((c) => c !== cluster);
  const source = (name: string) => ({ secret: { name, key: TLS_CRT } });
  return plain(
    new Bundle({
      metadata: { name: LINKERD.trustBundle },
      spec: {
        sources: [source(LINKERD.trustAnchor), source(LINKERD.previousAnchor), ...others.map((c) => source(importedAnchorName(c)))],
        target: { configMap: { key: 'ca-bundle.crt' }, namespaceSelector: { matchLabels: { [LINKERD.controlPlaneLabel]: 'true' } } },
      },
    }),
  );
}
