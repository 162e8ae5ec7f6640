// The NATS PKI in Kubernetes: one sandbox CA for every cluster (made once, the same files the local
// provider uses, stored in each cluster as the secret of a cert-manager CA Issuer), a server
// certificate covering every NATS service name and the external gateway address, and one client
// certificate per identity with the subject verify_and_map maps to its user. Certificates issued in
// any cluster chain to the same CA, so a client certificate from one region works in every other.

import { isIP } from 'node:net';
import { Certificate, Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { IDENTITIES, type Identity } from '../nats/accounts.js';
import { kubernetesAddressing } from '../nats/addressing.js';
import { LEAF_DAYS, PKI_ORGANIZATION, RENEW_BEFORE_DAYS } from '../nats/pki.js';
import { ROLES, releaseName, STRETCHED_CLUSTER, type Topology } from '../nats/topology.js';
import { edgeReleaseName, edgesHubbedIn } from './edges.js';
import { NAMESPACES, natsFullname } from './names.js';
import { type K8sObject, plain } from './objects.js';
import { clientSecretName } from './services.js';

export const NATS_CA_SECRET = 'nats-sandbox-ca';
export const NATS_CA_ISSUER = 'nats-sandbox-ca';
export const NATS_SERVER_TLS_SECRET = 'nats-server-tls';

const hours = (days: number) => `${days * 24}h0m0s`;

/**
 * DNS names a NATS server of `datacenter` is dialled by: each release's client service and headless
 * pod names (short and fully qualified); the names the other datacenters reach this one's xr-js
 * servers by, which linkerd mirrors there as `xr-js-nats-headless-<datacenter>` (route URLs in
 * nats/addressing.ts) and `xr-js-nats-<datacenter>`, the same name this cluster gives its own
 * (nats-manifests.ts); the external address other clusters dial; and localhost (port-forwards and,
 * on k3d, the port mapped to the host). Every route host is also listed exactly, not only under a
 * wildcard: a wildcard over two labels (`*.c1-nats-headless`) is valid for Go but not for every
 * TLS client (node refuses `*.<tld>`-shaped ones), and the exact names cost nothing.
 */
export function natsServerDnsNames(topo: Topology, datacenter: string, externalAddresses: readonly string[]): string[] {
  const ns = NAMESPACES.nats;
  const names = new Set<string>();
  const service = (base: string) => {
    names.add(base);
    names.add(`${base}.${ns}`);
    names.add(`${base}.${ns}.svc`);
    names.add(`${base}.${ns}.svc.cluster.local`);
  };
  for (const role of ROLES) {
    const svc = natsFullname(releaseName(datacenter, role));
    service(svc);
    service(`${svc}-headless`);
    names.add(`*.${svc}-headless`);
    names.add(`*.${svc}-headless.${ns}.svc.cluster.local`);
  }
  // The edge sites this region hosts run with the same certificate (k8s/edges.ts): their clients dial them by service name.
  for (const edge of edgesHubbedIn(topo, datacenter)) {
    const svc = natsFullname(edgeReleaseName(edge));
    service(svc);
    service(`${svc}-headless`);
    names.add(`*.${svc}-headless`);
  }
  const xr = natsFullname(STRETCHED_CLUSTER);
  service(`${xr}-${datacenter}`);
  names.add(`*.${xr}-headless-${datacenter}`);
  names.add(`*.${xr}-headless-${datacenter}.${ns}`);
  names.add(`*.${xr}-headless-${datacenter}.${ns}.svc.cluster.local`);
  // The route hosts peers dial, as seen from every datacenter (the ingress plays no part in routes).
  for (const view of topo.names) {
    const addressing = kubernetesAddressing(view, () => 'unused');
    for (const server of topo.servers.filter((s) => s.datacenter === datacenter)) names.add(new URL(addressing.routeUrl(server)).hostname);
  }
  for (const a of externalAddresses) if (!isIP(a)) names.add(a);
  names.add('localhost');
  return [...names];
}

/** A CA Issuer of the sandbox CA in `namespace` (its Secret is stored there by caSecretCommands). */
export function natsCaIssuer(namespace: string = NAMESPACES.nats): K8sObject {
  return plain(new Issuer({ metadata: { name: NATS_CA_ISSUER, namespace }, spec: { ca: { secretName: NATS_CA_SECRET } } }));
}

export function natsServerCertificate(topo: Topology, datacenter: string, externalAddresses: readonly string[]): K8sObject {
  return plain(
    new Certificate({
      metadata: { name: NATS_SERVER_TLS_SECRET, namespace: NAMESPACES.nats },
      spec: {
        issuerRef: { kind: 'Issuer', name: NATS_CA_ISSUER },
        secretName: NATS_SERVER_TLS_SECRET,
        commonName: 'nats-server',
        subject: { organizations: [PKI_ORGANIZATION] },
        dnsNames: natsServerDnsNames(topo, datacenter, externalAddresses),
        // A LoadBalancer given as an IP is verified against the IP SANs, never the DNS ones.
        ipAddresses: [...new Set(['127.0.0.1', ...externalAddresses.filter((a) => isIP(a))])],
        duration: hours(LEAF_DAYS),
        renewBefore: hours(RENEW_BEFORE_DAYS),
        usages: ['server auth', 'client auth', 'digital signature', 'key encipherment'],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    }),
  );
}

/**
 * Subject O=NATS Sandbox, CN=<identity>: verify_and_map sees "CN=<identity>,O=NATS Sandbox". Issued
 * where it is used (a Secret cannot be mounted across namespaces), so cert-manager renews it there.
 */
export function natsClientCertificate(identity: Identity, namespace: string = NAMESPACES.nats): K8sObject {
  return plain(
    new Certificate({
      metadata: { name: clientSecretName(identity), namespace },
      spec: {
        issuerRef: { kind: 'Issuer', name: NATS_CA_ISSUER },
        secretName: clientSecretName(identity),
        commonName: identity,
        subject: { organizations: [PKI_ORGANIZATION] },
        duration: hours(LEAF_DAYS),
        renewBefore: hours(RENEW_BEFORE_DAYS),
        usages: ['client auth', 'digital signature', 'key encipherment'],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    }),
  );
}

/** Everything stage 02 applies for NATS in one cluster, after the CA secret exists there. */
export function natsPkiObjects(topo: Topology, datacenter: string, externalAddresses: readonly string[]): K8sObject[] {
  return [natsCaIssuer(), natsServerCertificate(topo, datacenter, externalAddresses), ...IDENTITIES.map((id) => natsClientCertificate(id))];
}

/** The services' CA Issuer and client Certificates, in their own namespace, from the same CA. */
export function servicesPkiObjects(identities: readonly Identity[], namespace: string): K8sObject[] {
  return [natsCaIssuer(namespace), ...identities.map((id) => natsClientCertificate(id, namespace))];
}

/**
 * The command that stores the sandbox CA (made once, locally) as the Issuer's secret, idempotently:
 * render with --dry-run=client and apply, so the key never lands in a rendered file.
 */
export function caSecretCommands(
  caCertFile: string,
  caKeyFile: string,
  namespace: string = NAMESPACES.nats,
): { create: string[]; apply: string[] } {
  return {
    create: [
      'kubectl',
      'create',
      'secret',
      'tls',
      NATS_CA_SECRET,
      '--namespace',
      namespace,
      '--cert',
      caCertFile,
      '--key',
      caKeyFile,
      '--dry-run=client',
      '-o',
      'yaml',
    ],
    apply: ['kubectl', 'apply', '-f', '-'],
  };
}
