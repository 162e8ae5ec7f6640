// Real certificates for tests: a CA and server certificates with given SANs, made by openssl in a
// temporary folder, returned as node X509Certificate objects.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';

export interface TestCa {
  cert: X509Certificate;
  /** A server certificate signed by this CA with these SANs. */
  issue(commonName: string, dnsNames: readonly string[], ipAddresses: readonly string[]): X509Certificate;
  dispose(): void;
}

export function testCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  let n = 0;
  return {
    cert: new X509Certificate(readFileSync(join(dir, 'ca.crt'))),
    issue(commonName, dnsNames, ipAddresses) {
      const id = `leaf${n++}`;
      const san = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)].join(',');
      writeFileSync(join(dir, `${id}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
      ssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${id}.key`,
        '-out',
        `${id}.csr`,
        '-subj',
        `/CN=${commonName}`,
      );
      ssl(
        'x509',
        '-req',
        '-in',
        `${id}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${id}.ext`,
        '-out',
        `${id}.crt`,
      );
      return new X509Certificate(readFileSync(join(dir, `${id}.crt`)));
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
