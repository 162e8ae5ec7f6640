import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caSecretCommands, NATS_CA_SECRET, natsPkiObjects, natsServerDnsNames } from '../../../k8s/nats-pki.js';
import { validateObjects } from '../../../k8s/validate.js';
import { IDENTITIES } from '../../../nats/accounts.js';
import { clientUserName } from '../../../nats/pki.js';
import { buildTopology } from '../../../nats/topology.js';
import { PRIVATE_KEY_LABEL } from '../../support/secret-scan.js';

describe('NATS PKI manifests for cert-manager', () => {
  const objects = natsPkiObjects(buildTopology(['c1', 'c2', 'c3']), 'c1', ['k3d-c1-agent-0']);

  it('validate against the cert-manager models', () => {
    assert.deepEqual(validateObjects(objects), []);
  });

  it('issue every certificate from one CA Issuer backed by the shared sandbox CA secret', () => {
    const issuer = objects.find((o) => o.kind === 'Issuer') as any;
    assert.equal(issuer.spec.ca.secretName, NATS_CA_SECRET);
    const certs = objects.filter((o) => o.kind === 'Certificate') as any[];
    assert.equal(certs.length, 1 + IDENTITIES.length);
    for (const c of certs) assert.deepEqual(c.spec.issuerRef, { kind: 'Issuer', name: issuer.metadata.name });
  });

  it('give each identity a client certificate whose subject verify_and_map maps to its user', () => {
    for (const id of IDENTITIES) {
      const c = objects.find((o) => o.kind === 'Certificate' && (o as any).spec.commonName === id) as any;
      assert.ok(c, id);
      assert.deepEqual(c.spec.subject.organizations, ['NATS Sandbox']);
      assert.deepEqual(
        c.spec.usages.filter((u: string) => u.endsWith('auth')),
        ['client auth'],
      );
      assert.equal(clientUserName(id), `CN=${id},O=NATS Sandbox`);
    }
  });

  it('cover every NATS service name, the names the other clusters reach its xr-js servers by, and the external address', () => {
    const names = natsServerDnsNames(buildTopology(['c1', 'c2', 'c3']), 'c1', ['k3d-c1-agent-0']);
    for (const n of [
      'c1-nats',
      'c1-js-nats-headless.nats.svc.cluster.local',
      '*.c1-gw-nats-headless',
      'xr-js-nats',
      // Peers in c2 and c3 dial xr-js-nats-<i>.xr-js-nats-headless-c1 (nats/addressing.ts routeUrl).
      '*.xr-js-nats-headless-c1',
      'xr-js-nats-2.xr-js-nats-headless-c1',
      'c1-gw-nats-2.c1-gw-nats-headless',
      'xr-js-nats-c1',
      'k3d-c1-agent-0',
      'localhost',
    ]) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(!names.includes('*.xr-js-nats-headless-c2'), "another cluster's mirror never lands on c1's servers");
    assert.equal(new Set(names).size, names.length);
  });

  it('put an external address that is an IP among the IP SANs', () => {
    const cert = natsPkiObjects(buildTopology(['east', 'west']), 'east', ['203.0.113.10']).find(
      (o) => o.metadata.name === 'nats-server-tls',
    ) as any;
    assert.deepEqual(cert.spec.ipAddresses, ['127.0.0.1', '203.0.113.10']);
    assert.ok(!cert.spec.dnsNames.includes('203.0.113.10'));
  });

  it('store the CA without writing its key into a manifest', () => {
    const { create, apply } = caSecretCommands('/p/ca.crt', '/p/ca.key');
    assert.deepEqual(create.slice(0, 5), ['kubectl', 'create', 'secret', 'tls', NATS_CA_SECRET]);
    assert.ok(create.includes('--dry-run=client'));
    assert.deepEqual(apply, ['kubectl', 'apply', '-f', '-']);
    assert.ok(!JSON.stringify(objects).includes(PRIVATE_KEY_LABEL));
  });
});
