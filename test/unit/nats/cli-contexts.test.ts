import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITIES } from '../../../nats/accounts.js';
import { contextAddCommand, contextFile, exampleCommand, parseContextIdentities, sandboxContexts } from '../../../nats/cli-contexts.js';

const url = (cluster: string) => `nats://127.0.0.1:${cluster === 'c1' ? 20000 : 20100}`;
const certs = (identity: string) => `/pki/clients/${identity}`;

describe('NATS CLI contexts', () => {
  it('makes sys and admin per cluster by default, each with its own certificate', () => {
    const cs = sandboxContexts('sandbox-ab12', ['c1', 'c2'], url, certs);
    assert.deepEqual(
      cs.map((c) => c.name),
      ['sandbox-ab12-c1-sys', 'sandbox-ab12-c1-admin', 'sandbox-ab12-c2-sys', 'sandbox-ab12-c2-admin'],
    );
    const c2admin = cs[3]!;
    assert.equal(c2admin.url, 'nats://127.0.0.1:20100');
    assert.deepEqual(
      [c2admin.ca, c2admin.cert, c2admin.key],
      ['/pki/clients/admin/ca.crt', '/pki/clients/admin/tls.crt', '/pki/clients/admin/tls.key'],
    );
  });

  it('in operator mode gives each identity its creds file instead of a certificate, the CA kept', () => {
    const [c] = sandboxContexts('p', ['c1'], url, certs, ['requester'], (id) => `/sb/jwt/users/${id}.creds`);
    assert.equal(c!.creds, '/sb/jwt/users/requester.creds');
    assert.equal(c!.cert, undefined);
    assert.equal(c!.ca, '/pki/clients/requester/ca.crt');
    assert.match(c!.description, /, JWT$/);
    const cmd = contextAddCommand(c!);
    assert.deepEqual(cmd.slice(cmd.indexOf('--tlsca'), cmd.indexOf('--description')), [
      '--tlsca',
      '/pki/clients/requester/ca.crt',
      '--creds',
      '/sb/jwt/users/requester.creds',
    ]);
    assert.deepEqual(Object.keys(JSON.parse(contextFile(c!, { HOME: '/h' }).json)), ['description', 'url', 'ca', 'creds']);
  });

  it('makes every identity asked for, described by what it may do', () => {
    const cs = sandboxContexts('p', ['c3'], url, certs, IDENTITIES);
    assert.deepEqual(
      cs.map((c) => c.name),
      ['p-c3-sys', 'p-c3-admin', 'p-c3-math', 'p-c3-requester', 'p-c3-recorder'],
    );
    assert.equal(
      cs.find((c) => c.identity === 'requester')!.description,
      'NATS sandbox c3, requester (least privilege: asks math, publishes answers), mTLS',
    );
    assert.match(cs.find((c) => c.identity === 'sys')!.description, /system account/);
    assert.match(cs.find((c) => c.identity === 'recorder')!.description, /least privilege: reads answers-consumer/);
    assert.equal(new Set(cs.map((c) => c.description)).size, 5, 'no two identities read alike');
  });

  it('reads --identity: a comma list in canonical order, each once, or all', () => {
    assert.deepEqual(parseContextIdentities('requester,sys, requester'), { identities: ['sys', 'requester'], unknown: [] });
    assert.deepEqual(parseContextIdentities('all'), { identities: [...IDENTITIES], unknown: [] });
    assert.deepEqual(parseContextIdentities('admin,all').identities, [...IDENTITIES]);
  });

  it('names every word that is not an identity, an empty one included', () => {
    assert.deepEqual(parseContextIdentities('sys,bob,Admin'), { identities: ['sys'], unknown: ['bob', 'Admin'] });
    assert.deepEqual(parseContextIdentities('sys,,admin').unknown, ['']);
    assert.deepEqual(parseContextIdentities(''), { identities: [], unknown: [''] });
  });

  it('prints the nats context add command with the TLS files and description', () => {
    const [c] = sandboxContexts('p', ['c1'], url, certs, ['math']);
    assert.deepEqual(contextAddCommand(c!), [
      'nats',
      'context',
      'add',
      'p-c1-math',
      '--server',
      'nats://127.0.0.1:20000',
      '--tlsca',
      '/pki/clients/math/ca.crt',
      '--tlscert',
      '/pki/clients/math/tls.crt',
      '--tlskey',
      '/pki/clients/math/tls.key',
      '--description',
      c!.description,
    ]);
  });

  it('suggests a command the identity may run: server list with sys, else what the first one can do', () => {
    const all = sandboxContexts('p', ['c1'], url, certs, IDENTITIES);
    assert.equal(exampleCommand(all), 'nats --context p-c1-sys server list');
    assert.equal(
      exampleCommand(all.filter((c) => c.identity === 'requester')),
      `nats --context p-c1-requester req math.numbers.add '{"first":1,"second":2}'`,
    );
    assert.equal(exampleCommand([]), undefined);
  });

  it('writes the file where the NATS CLI looks: XDG_CONFIG_HOME, else ~/.config', () => {
    const [c] = sandboxContexts('p', ['c1'], url, certs, ['recorder']);
    assert.equal(contextFile(c!, { XDG_CONFIG_HOME: '/x', HOME: '/h' }).path, '/x/nats/context/p-c1-recorder.json');
    const home = contextFile(c!, { HOME: '/h' });
    assert.equal(home.path, '/h/.config/nats/context/p-c1-recorder.json');
    assert.deepEqual(JSON.parse(home.json), {
      description: c!.description,
      url: 'nats://127.0.0.1:20000',
      ca: '/pki/clients/recorder/ca.crt',
      cert: '/pki/clients/recorder/tls.crt',
      key: '/pki/clients/recorder/tls.key',
    });
  });
});
