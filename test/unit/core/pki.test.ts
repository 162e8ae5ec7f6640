// The local PKI is made once, reused, and renewed when a certificate is close to expiry or no
// longer chains to the CA. Real openssl, temp directories.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRunner } from '../../../core/command.js';
import { ensureLocalPki, issueSelfSignedCa, keyMatches, pkiPaths, renewalReason, tlsFiles } from '../../../core/pki.js';

describe('local PKI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pki-test-'));
  const paths = pkiPaths(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));
  const runner = createRunner(false);

  it('issues a CA, a server certificate and one client certificate per identity', async () => {
    const r = await ensureLocalPki(runner, dir);
    assert.deepEqual(r.issued, ['ca', 'server', 'sys', 'admin', 'math', 'requester', 'recorder']);
    const ca = new X509Certificate(readFileSync(paths.caCert));
    assert.equal(ca.ca, true);
    const server = new X509Certificate(readFileSync(r.server.certFile));
    assert.ok(server.checkIssued(ca));
    assert.match(server.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    const requester = new X509Certificate(readFileSync(join(r.clients.requester, 'tls.crt')));
    assert.equal(requester.subject, 'O=NATS Sandbox\nCN=requester');
    assert.equal(statSync(join(r.clients.requester, 'tls.key')).mode & 0o777, 0o600);
    assert.equal(statSync(paths.caKey).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(r.clients.requester, 'ca.crt'), 'utf8'), readFileSync(paths.caCert, 'utf8'));
  });

  it('reuses everything on a second run', async () => {
    const before = readFileSync(tlsFiles(paths.server).certFile, 'utf8');
    const r = await ensureLocalPki(runner, dir);
    assert.deepEqual(r.issued, []);
    assert.equal(readFileSync(tlsFiles(paths.server).certFile, 'utf8'), before);
  });

  it('a dry run on a current PKI says it would issue nothing', async () => {
    const r = await ensureLocalPki(createRunner(true), dir);
    assert.deepEqual(r.issued, []);
  });

  it('re-issues a certificate whose key is not its own (two runs at once, a crash between writes)', async () => {
    const recorder = tlsFiles(join(paths.root, 'clients', 'recorder'));
    const requester = tlsFiles(join(paths.root, 'clients', 'requester'));
    writeFileSync(recorder.keyFile, readFileSync(requester.keyFile));
    const r = await ensureLocalPki(runner, dir);
    assert.deepEqual(r.issued, ['recorder']);
    const cert = new X509Certificate(readFileSync(recorder.certFile));
    assert.equal(keyMatches(cert, readFileSync(recorder.keyFile, 'utf8')), true);
    assert.deepEqual(readdirSync(join(paths.root, 'clients', 'recorder')).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  });

  it('says why a certificate must be renewed: missing, close to expiry, or from another CA', async () => {
    const ca = readFileSync(paths.caCert, 'utf8');
    const leaf = readFileSync(join(paths.client('admin'), 'tls.crt'), 'utf8');
    assert.equal(renewalReason(leaf, ca), undefined);
    assert.equal(renewalReason(undefined, ca), 'missing');
    assert.match(renewalReason(leaf, ca, Date.now() + 80 * 24 * 3600 * 1000) ?? '', /^expires /);
    const other = join(dir, 'other');
    await issueSelfSignedCa(runner, { cert: `${other}.crt`, key: `${other}.key`, subject: '/CN=other', days: 1 });
    assert.equal(renewalReason(leaf, readFileSync(`${other}.crt`, 'utf8')), 'not issued by the current CA');
  });

  it('re-issues every leaf when the CA is replaced', async () => {
    rmSync(paths.caKey);
    const r = await ensureLocalPki(runner, dir);
    assert.deepEqual(r.issued, ['ca', 'server', 'sys', 'admin', 'math', 'requester', 'recorder']);
  });

  it('plans the openssl commands in dry-run without writing anything', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pki-dry-'));
    try {
      const dry = createRunner(true);
      const r = await ensureLocalPki(dry, empty);
      assert.equal(r.issued.length, 7);
      assert.ok(dry.history.every((c) => c.startsWith('openssl ')));
      assert.throws(() => statSync(pkiPaths(empty).root));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
