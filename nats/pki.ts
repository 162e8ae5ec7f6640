// The sandbox PKI as data: one CA for every cluster, one server certificate identity, one client
// certificate per identity. Kubernetes (cert-manager) and the local provider (openssl) issue the
// same subjects, so a client certificate from one region works in every other.
import { IDENTITIES, type Identity } from './accounts.js';

export const PKI_ORGANIZATION = 'NATS Sandbox';
export const CA_COMMON_NAME = 'NATS Sandbox CA';

/** Subject of a client certificate, as openssl's -subj wants it. */
function clientSubject(identity: Identity): string {
  return `/O=${PKI_ORGANIZATION}/CN=${identity}`;
}

/**
 * The user name nats-server's verify_and_map derives from that certificate: the subject as an
 * RFC 2253 string, most specific attribute first.
 */
export function clientUserName(identity: Identity): string {
  return `CN=${identity},O=${PKI_ORGANIZATION}`;
}

export interface CertSpec {
  /** File stem / directory name. */
  name: string;
  subject: string;
  usage: ('serverAuth' | 'clientAuth')[];
  dnsNames: string[];
  ipAddresses: string[];
  identity?: Identity;
}

/** Days a leaf certificate is valid, and how close to expiry it is renewed. */
export const LEAF_DAYS = 90;
export const RENEW_BEFORE_DAYS = 15;
export const CA_DAYS = 3650;

/** The server certificate serves clients and authenticates the server on routes, gateways and leafnodes. */
export function serverCertSpec(dnsNames: string[], ipAddresses: string[]): CertSpec {
  return { name: 'server', subject: `/O=${PKI_ORGANIZATION}/CN=nats-server`, usage: ['serverAuth', 'clientAuth'], dnsNames, ipAddresses };
}

/** The server certificate's subject as verify_and_map names it (an edge site's leafnode presents it). */
export const SERVER_CERT_SUBJECT = `CN=nats-server,O=${PKI_ORGANIZATION}`;

export function clientCertSpecs(): CertSpec[] {
  return IDENTITIES.map((identity) => ({
    name: identity,
    subject: clientSubject(identity),
    usage: ['clientAuth'],
    dnsNames: [],
    ipAddresses: [],
    identity,
  }));
}

/** openssl extension file text for a leaf certificate. */
export function extensionsFor(spec: CertSpec): string {
  const san = [...spec.dnsNames.map((d) => `DNS:${d}`), ...spec.ipAddresses.map((ip) => `IP:${ip}`)];
  return `${[
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${spec.usage.join(',')}`,
    ...(san.length ? [`subjectAltName=${san.join(',')}`] : []),
  ].join('\n')}\n`;
}
