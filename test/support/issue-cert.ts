// Real certificates for tests: a CA and certificates with given names, issued by the sandbox's
// own PKI code (core/pki.ts, openssl) in a temporary folder, returned as X509Certificate objects.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { createRunner } from '../../core/command.js';
import { issueLeaf, issueSelfSignedCa, type SigningCa, tlsFiles } from '../../core/pki.js';
import type { CertSpec } from '../../nats/pki.js';

export interface TestCa extends SigningCa {
  dir: string;
  cert: X509Certificate;
  /** A certificate signed by this CA: its folder holds ca.crt, tls.crt and tls.key. */
  issue(spec: Omit<CertSpec, 'name'>): Promise<{ dir: string; cert: X509Certificate }>;
  /** A server certificate with these SANs. */
  issueServer(commonName: string, dnsNames: readonly string[], ipAddresses: readonly string[]): Promise<X509Certificate>;
  dispose(): void;
}

const runner = createRunner(false);

export async function testCa(subject = '/CN=test-ca'): Promise<TestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-ca-'));
  const ca = { caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key') };
  await issueSelfSignedCa(runner, { cert: ca.caCert, key: ca.caKey, subject, days: 1 });
  let n = 0;
  const issue = async (spec: Omit<CertSpec, 'name'>) => {
    const leaf = join(dir, `leaf${n++}`);
    await issueLeaf(runner, ca, { name: 'leaf', ...spec }, leaf);
    return { dir: leaf, cert: new X509Certificate(readFileSync(tlsFiles(leaf).certFile)) };
  };
  return {
    ...ca,
    dir,
    cert: new X509Certificate(readFileSync(ca.caCert)),
    issue,
    async issueServer(commonName, dnsNames, ipAddresses) {
      const usage: CertSpec['usage'] = ['serverAuth', 'clientAuth'];
      return (await issue({ subject: `/CN=${commonName}`, usage, dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] })).cert;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What tls.checkServerIdentity reads of a peer certificate. */
export function peerOf(cert: X509Certificate): PeerCertificate {
  return {
    subject: { CN: /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? '' },
    subjectaltname: cert.subjectAltName ?? '',
  } as unknown as PeerCertificate;
}
