import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceProcesses } from '../../../cluster/local/service-processes.js';
import { readServicesSettings } from '../../../core/settings.js';
import { buildTopology } from '../../../nats/topology.js';
import { ERROR_CODES, handle, OPERATIONS, operationByService } from '../../../services/math/operations.js';
import { mysqlUrl, parseMysqlUrl } from '../../../services/recorder/mysql-url.js';
import { nextBackoff } from '../../../services/recorder/recorder.js';
import { insertSql, toRow } from '../../../services/recorder/rows.js';
import { parseRequestArgs, RequestUsageError } from '../../../services/requester/cli.js';
import { plannedTasks } from '../../../services/requester/run.js';
import { isSignificant, latencySummary, percentile, seededRandom } from '../../../services/requester/stats.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const origin = { region: 'c1', instance: 'c1-adder-0' };

describe('math operations', () => {
  it('compute each operation and echo the inputs, region and instance', () => {
    const want: Record<string, number> = { add: 9, subtract: 3, multiply: 18, divide: 2 };
    for (const op of OPERATIONS) {
      const out = handle(op, enc({ first: 6, second: 3 }), origin);
      assert.ok(out.ok);
      assert.deepEqual(out.response, {
        first: 6,
        second: 3,
        operation: op.name,
        result: want[op.name],
        region: 'c1',
        instance: 'c1-adder-0',
      });
    }
  });

  it('give each bad input its error code', () => {
    const add = operationByService('adder');
    const div = operationByService('divider');
    const code = (op: typeof add, body: unknown) => {
      const o = handle(op, enc(body), origin);
      return o.ok ? 0 : o.code;
    };
    assert.equal(code(add, '{"first": 1,'), ERROR_CODES.invalidJson);
    assert.equal(code(add, { first: 1 }), ERROR_CODES.invalidRequest);
    assert.equal(code(add, { first: 1, second: '2' }), ERROR_CODES.invalidRequest);
    assert.equal(code(add, 'null'), ERROR_CODES.invalidRequest);
    assert.equal(code(div, { first: 1, second: 0 }), ERROR_CODES.divisionByZero);
    assert.equal(code(div, { first: 0, second: 1 }), 0);
    assert.equal(code(operationByService('multiplier'), { first: 1e308, second: 1e308 }), ERROR_CODES.notFinite);
    assert.equal(new Set(Object.values(ERROR_CODES)).size, Object.keys(ERROR_CODES).length, 'codes are distinct');
    assert.throws(() => operationByService('modulo'), /unknown math service/);
  });
});

describe('requester', () => {
  it('plans the same questions for the same seed, four operations per round, never a 0 divisor', () => {
    const a = plannedTasks(50, 42);
    assert.deepEqual(a, plannedTasks(50, 42));
    assert.notDeepEqual(a, plannedTasks(50, 43));
    assert.equal(a.length, 200);
    assert.deepEqual(
      a.slice(0, 4).map((t) => t.op),
      ['add', 'subtract', 'multiply', 'divide'],
    );
    assert.ok(a.every((t) => t.second >= 1 && t.second <= 100 && t.first >= 1 && t.first <= 100));
    const r = seededRandom(1);
    assert.ok([r(), r(), r()].every((x) => x >= 0 && x < 1));
  });

  it('computes nearest-rank percentiles and the significance rule', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 90), 90);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile([], 50), 0);
    assert.deepEqual(latencySummary([3, 1, 2]), { p50: 2, p90: 3, p99: 3 });
    assert.equal(isSignificant(1.0001), true);
    assert.equal(isSignificant(1), false);
  });

  it('validates flags before any connection', () => {
    assert.deepEqual(parseRequestArgs(['--from', 'c1']), {
      from: 'c1',
      count: 100,
      concurrency: 8,
      timeoutMs: 2000,
      json: false,
      help: false,
    });
    assert.equal(parseRequestArgs(['--from', 'c2', '--count', '5', '--seed', '42', '--json']).seed, 42);
    assert.throws(() => parseRequestArgs([]), RequestUsageError);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--count', '0']), /whole number >= 1/);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--concurrency', '-3']), RequestUsageError);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--bogus']), RequestUsageError);
    assert.equal(parseRequestArgs(['--help']).help, true);
  });
});

describe('recorder', () => {
  it('turns answers into rows and names what can never be stored', () => {
    const a = { first: 5, second: 2, operation: 'subtract', result: 3, region: 'c2', instance: 'c2-subtractor-0' };
    assert.deepEqual(toRow(enc(a), 17, 'run.1.subtract'), {
      ok: true,
      row: [17, 'run.1.subtract', 5, 2, 'subtract', 3, 'c2', 'c2-subtractor-0'],
    });
    assert.deepEqual(toRow(enc('nope'), 1, undefined), { ok: false, reason: 'payload is not JSON' });
    const missing = toRow(enc({ ...a, result: undefined }), 1, undefined);
    assert.ok(!missing.ok && /required property 'result'/.test(missing.reason));
    assert.ok(!toRow(enc({ ...a, operation: 'modulo' }), 1, undefined).ok);
    assert.match(insertSql(), /ON DUPLICATE KEY UPDATE stream_seq = stream_seq/);
  });

  it('backs off exponentially to 5 seconds', () => {
    const seq = [0, 0, 0, 0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0)], []);
    assert.deepEqual(seq, [250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('reads MYSQL_URL and refuses what is not one', () => {
    const s = parseMysqlUrl('mysql://ans%40wer:p%3Ass@db.local:3307/answers_x');
    assert.deepEqual(s, { host: 'db.local', port: 3307, user: 'ans@wer', password: 'p:ss', database: 'answers_x' });
    assert.deepEqual(parseMysqlUrl(mysqlUrl(s)), s);
    assert.equal(parseMysqlUrl('mysql://u:p@h').database, 'answers');
    assert.throws(() => parseMysqlUrl('postgres://u:p@h/x'), /mysql:\/\//);
    assert.throws(() => parseMysqlUrl('mysql://u:p@h/bad-name;drop'), /letters, digits/);
  });
});

describe('local service processes', () => {
  it('plans every operation per region, the configured instances, and a recorder per region when MySQL is known', () => {
    const topo = buildTopology(['c1', 'c2']);
    const p = serviceProcesses(topo, { instances: 2, recorder: true });
    assert.equal(p.length, 2 * (4 * 2 + 1));
    assert.ok(p.some((x) => x.name === 'c2-divider-1' && x.region === 'c2'));
    assert.deepEqual(
      p.filter((x) => x.role === 'recorder').map((x) => x.name),
      ['c1-recorder-0', 'c2-recorder-0'],
    );
    assert.equal(serviceProcesses(topo, { instances: 1, recorder: false }).filter((x) => x.role === 'recorder').length, 0);
  });

  it('reads its settings with defaults and checks them', () => {
    assert.deepEqual(readServicesSettings({}, 14222), { instances: 1, mysqlPort: 14221, discoveryTimeoutMs: 90_000 });
    assert.equal(readServicesSettings({ MYSQL_URL: 'mysql://a:b@h/answers' }, 14222).mysqlUrl, 'mysql://a:b@h/answers');
    assert.throws(() => readServicesSettings({ SERVICE_INSTANCES: '0' }, 14222), /SERVICE_INSTANCES/);
  });
});
