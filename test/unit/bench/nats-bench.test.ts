// Reading `nats bench` (natscli v0.5.0) as it prints its report: the fixtures are its real stdout
// for one client and for several, and the command lines the services bench runs it with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectionFlags, jsPublishArgs, parseNatsBenchReport, serviceRequestArgs } from '../../../bench/lib/nats-bench.js';
import { SandboxError } from '../../../core/errors.js';
import { ROOT } from '../../support/helpers.js';

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'nats-bench', name), 'utf8');

describe('parseNatsBenchReport', () => {
  it('reads the aggregated rate and the latencies per operation of several clients', () => {
    assert.deepEqual(parseNatsBenchReport(fixture('js-pub-sync-4-clients.txt')), {
      label: 'JetStream synchronous publisher',
      msgsPerSecond: 7625,
      p50Us: 183.3,
      p99Us: 5939.55,
      warnings: [],
    });
    assert.deepEqual(parseNatsBenchReport(fixture('service-request-4-clients.txt')), {
      label: 'Core NATS service requester',
      msgsPerSecond: 4580,
      p50Us: 435.82,
      p99Us: 5415.59,
      warnings: [],
    });
  });

  it('reads the one stats line of a single client', () => {
    assert.deepEqual(parseNatsBenchReport(fixture('js-pub-sync-1-client.txt')), {
      label: 'JetStream synchronous publisher',
      msgsPerSecond: 11239,
      p50Us: 77.89,
      p99Us: 216.24,
      warnings: [],
    });
  });

  it('keeps its warnings, and fails clearly when there is no report', () => {
    const warned = parseNatsBenchReport(
      fixture('js-pub-sync-1-client.txt'),
      '11:27:47 WARNING: at least one of the clients disconnected or experienced an error during the benchmark. These results are not optimal!\n',
    );
    assert.deepEqual(warned.warnings, [
      '11:27:47 WARNING: at least one of the clients disconnected or experienced an error during the benchmark. These results are not optimal!',
    ]);
    assert.throws(
      () => parseNatsBenchReport('', 'nats: error: could not access stream answers: nats: stream not found'),
      (e: Error) => e instanceof SandboxError && /no stats line:\nnats: error: could not access stream answers/.test(e.message),
    );
  });
});

describe('the nats bench command lines', () => {
  const shape = { clients: 64, msgs: 8000, payloadFile: '/t/answer.json', payloadBytes: 97 };

  it('publishes synchronously to an existing stream without creating or purging it', () => {
    const args = jsPublishArgs('answers', 'answers.throwaway', shape);
    assert.deepEqual(args, [
      'bench',
      'js',
      'pub',
      'sync',
      'answers.throwaway',
      '--stream',
      'answers',
      '--dedup',
      '--clients',
      '64',
      '--msgs',
      '8000',
      '--payload',
      '/t/answer.json',
      '--size',
      '97',
      '--no-progress',
    ]);
    assert.ok(!args.includes('--create') && !args.includes('--purge'));
  });

  it('asks a service with the payload file', () => {
    assert.deepEqual(serviceRequestArgs('math.numbers.add', shape).slice(0, 4), ['bench', 'service', 'request', 'math.numbers.add']);
  });

  it('connects as the identity: its servers and certificate, no context', () => {
    assert.deepEqual(connectionFlags({ NATS_URL: 'nats://127.0.0.1:1,nats://127.0.0.1:2', NATS_TLS_DIR: '/pki/clients/admin' }), [
      '--no-context',
      '--server',
      'nats://127.0.0.1:1,nats://127.0.0.1:2',
      '--tlsca',
      '/pki/clients/admin/ca.crt',
      '--tlscert',
      '/pki/clients/admin/tls.crt',
      '--tlskey',
      '/pki/clients/admin/tls.key',
    ]);
    assert.deepEqual(connectionFlags({ NATS_URL: 'nats://h:1', NATS_USER: 'admin', NATS_PASSWORD: 'pw' }).slice(3), [
      '--user',
      'admin',
      '--password',
      'pw',
    ]);
  });
});
