// Linkerd's PKI through cert-manager and trust-manager, the same in every cluster: one long-lived
// trust anchor (made once on this machine, like the NATS CA, and stored in every cluster as the
// Secret linkerd-trust-anchor in cert-manager's namespace), a ClusterIssuer signing each cluster's
// identity issuer from it (48h, renewed after 23h), and the trust bundle every control plane
// namespace receives. One anchor everywhere: identities verify across the multicluster links, and
// no cluster renews its anchor on its own (a per-cluster anchor renewed with a new key while the
// others keep the old copy breaks cross-cluster mTLS).
import { Certificate, ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { Bundle } from '@kubernetes-models/cert-manager/trust.cert-manager.io/v1alpha1';
import { LINKERD, NAMESPACES } from './names.js';
import { type K8sObject, plain } from './objects.js';

const TLS_CRT = 'tls.crt';
/** The trust anchor's lifetime: the sandbox's (it is replaced only by deleting <sandbox>/pki/linkerd-anchor). */
export const LINKERD_ANCHOR_DAYS = 3650;
export const LINKERD_ANCHOR_SUBJECT = '/CN=root.linkerd.cluster.local';

export function linkerdIssuers(): K8sObject[] {
  return [plain(new ClusterIssuer({ metadata: { name: LINKERD.identityIssuer }, spec: { ca: { secretName: LINKERD.trustAnchor } } }))];
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

/** The bundle of the one shared anchor, for every control plane namespace. */
export function trustBundle(): K8sObject {
  return plain(
    new Bundle({
      metadata: { name: LINKERD.trustBundle },
      spec: {
        sources: [{ secret: { name: LINKERD.trustAnchor, key: TLS_CRT } }],
        target: { configMap: { key: 'ca-bundle.crt' }, namespaceSelector: { matchLabels: { [LINKERD.controlPlaneLabel]: 'true' } } },
      },
    }),
  );
}

/** `kubectl create secret tls` of the anchor, rendered client side and applied from stdin (the key never lands in a file). */
export function anchorSecretCommand(certFile: string, keyFile: string, namespace: string = NAMESPACES.certManager): string[] {
  return [
    'kubectl',
    'create',
    'secret',
    'tls',
    LINKERD.trustAnchor,
    '--namespace',
    namespace,
    '--cert',
    certFile,
    '--key',
    keyFile,
    '--dry-run=client',
    '-o',
    'yaml',
  ];
}
