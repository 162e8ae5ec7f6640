// The local provider's PKI: the sandbox CA and certificates as files, made with openssl through
// the command runner, reused on re-run, renewed when close to expiry or when the CA changed.
// Layout per certificate directory: ca.crt, tls.crt, tls.key (what a cert-manager Secret mounts).
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Identity } from '../nats/accounts.js';
import {
  CA_COMMON_NAME,
  CA_DAYS,
  type CertSpec,
  clientCertSpecs,
  extensionsFor,
  LEAF_DAYS,
  PKI_ORGANIZATION,
  RENEW_BEFORE_DAYS,
  serverCertSpec,
} from '../nats/pki.js';
import type { Runner } from './command.js';

export function pkiPaths(sandboxDir: string) {
  const root = join(sandboxDir, 'pki');
  return {
    root,
    caCert: join(root, 'ca', 'ca.crt'),
    caKey: join(root, 'ca', 'ca.key'),
    dir: (name: string) => join(root, name),
    /** Directory with ca.crt, tls.crt, tls.key for a certificate. */
    server: join(root, 'server'),
    client: (identity: Identity) => join(root, 'clients', identity),
  };
}

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function tlsFiles(dir: string): TlsFiles {
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
}

const DAY_MS = 24 * 3600 * 1000;

/** Whether a private key (PEM) is the one a certificate was issued for. */
export function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('base64');
    return spki(createPublicKey(createPrivateKey(keyPem))) === spki(cert.publicKey);
  } catch {
    return false;
  }
}

/** Why a certificate must be (re)issued, or undefined when it is fine to keep. */
export function renewalReason(certPem: string | undefined, caPem: string, now = Date.now(), keyPem?: string): string | undefined {
  if (!certPem) return 'missing';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'unreadable';
  }
  const ca = new X509Certificate(caPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not issued by the current CA';
  // Two runs at once, or a crash between two writes, can leave a key of another certificate.
  if (keyPem !== undefined && !keyMatches(cert, keyPem)) return 'its key does not match it';
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_DAYS * DAY_MS) return `expires ${cert.validTo}`;
  return undefined;
}

function read(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface SelfSignedCa {
  cert: string;
  key: string;
  /** openssl -subj, e.g. /O=NATS Sandbox/CN=NATS Sandbox CA */
  subject: string;
  days: number;
}

/**
 * A self-signed ECDSA CA (the sandbox CA, linkerd's trust anchor): written under temporary names
 * and moved into place, so a reader never sees half of it; the key is 0600.
 */
export async function issueSelfSignedCa(runner: Runner, ca: SelfSignedCa): Promise<void> {
  if (!runner.dryRun) mkdirSync(dirname(ca.cert), { recursive: true, mode: 0o700 });
  await runner.run(
    [
      'openssl',
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${ca.key}.new`,
      '-out',
      `${ca.cert}.new`,
      '-days',
      String(ca.days),
      '-subj',
      ca.subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { silent: true, fix: 'install openssl' },
  );
  if (!runner.dryRun) {
    chmodSync(`${ca.key}.new`, 0o600);
    renameSync(`${ca.key}.new`, ca.key);
    renameSync(`${ca.cert}.new`, ca.cert);
  }
}

function issueCa(runner: Runner, paths: ReturnType<typeof pkiPaths>): Promise<void> {
  return issueSelfSignedCa(runner, {
    cert: paths.caCert,
    key: paths.caKey,
    subject: `/O=${PKI_ORGANIZATION}/CN=${CA_COMMON_NAME}`,
    days: CA_DAYS,
  });
}

/**
 * Issue a leaf into a folder of its own first, then move key, certificate and CA into place: a
 * reader never sees half a file, and a pair left mismatched by a crash is found (renewalReason).
 */
/** A CA that signs: its certificate and key files. */
export interface SigningCa {
  caCert: string;
  caKey: string;
}

export async function issueLeaf(runner: Runner, ca: SigningCa, spec: CertSpec, dir: string): Promise<void> {
  const f = tlsFiles(dir);
  const work = join(dir, `.issue-${process.pid}-${randomBytes(4).toString('hex')}`);
  const w = { key: join(work, 'tls.key'), cert: join(work, 'tls.crt'), csr: join(work, 'tls.csr'), ext: join(work, 'ext.cnf') };
  if (!runner.dryRun) {
    mkdirSync(work, { recursive: true, mode: 0o700 });
    writeFileSync(w.ext, extensionsFor(spec));
  }
  try {
    await runner.run(['openssl', 'req', ...EC_KEY, '-keyout', w.key, '-out', w.csr, '-subj', spec.subject], { silent: true });
    await runner.run(
      [
        'openssl',
        'x509',
        '-req',
        '-in',
        w.csr,
        '-CA',
        ca.caCert,
        '-CAkey',
        ca.caKey,
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-days',
        String(LEAF_DAYS),
        '-out',
        w.cert,
        '-extfile',
        w.ext,
      ],
      { silent: true },
    );
    if (!runner.dryRun) {
      chmodSync(w.key, 0o600);
      copyFileSync(ca.caCert, join(work, 'ca.crt'));
      renameSync(join(work, 'ca.crt'), f.caFile);
      renameSync(w.key, f.keyFile);
      renameSync(w.cert, f.certFile);
    }
  } finally {
    if (!runner.dryRun) rmSync(work, { recursive: true, force: true });
  }
}

export interface PkiResult {
  issued: string[];
  kept: string[];
  server: TlsFiles;
  clients: Record<Identity, string>;
}

/** Make sure the CA, the server certificate and every client certificate exist and are current. */
export async function ensureLocalPki(runner: Runner, sandboxDir: string): Promise<PkiResult> {
  const paths = pkiPaths(sandboxDir);
  const issued: string[] = [];
  const kept: string[] = [];
  const caPem = read(paths.caCert);
  const caExpiring = caPem ? Date.parse(new X509Certificate(caPem).validTo) - Date.now() < RENEW_BEFORE_DAYS * DAY_MS : true;
  if (!caPem || !existsSync(paths.caKey) || caExpiring) {
    await issueCa(runner, paths);
    issued.push('ca');
  } else {
    kept.push('ca');
  }
  // Reading is no side effect: a dry run reports what a real run would re-issue.
  const currentCa = issued.includes('ca') ? undefined : read(paths.caCert);
  const leaves: [CertSpec, string][] = [
    [serverCertSpec(['localhost'], ['127.0.0.1']), paths.server],
    ...clientCertSpecs().map((s): [CertSpec, string] => [s, paths.client(s.identity!)]),
  ];
  const due = leaves.map(([, dir]) => {
    const files = tlsFiles(dir);
    return currentCa ? renewalReason(read(files.certFile), currentCa, Date.now(), read(files.keyFile) ?? '') : 'missing';
  });
  // Leaves are independent (a folder each): issued side by side, two openssl runs each.
  await Promise.all(leaves.map(([spec, dir], i) => (due[i] ? issueLeaf(runner, paths, spec, dir) : undefined)));
  for (const [i, [s]] of leaves.entries()) (due[i] ? issued : kept).push(s.name);
  const clients = Object.fromEntries(clientCertSpecs().map((s) => [s.identity!, paths.client(s.identity!)])) as Record<Identity, string>;
  return { issued, kept, server: tlsFiles(paths.server), clients };
}
