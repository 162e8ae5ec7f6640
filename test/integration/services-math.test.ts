// The math services for real: every operation, every bad input with its error code, schemas in
// the discovery, geo-affinity with and without c1's adder, idempotent stage 08, status.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { stopProcess } from '../../cluster/local/processes.js';
import { serviceFiles, servicePid } from '../../cluster/local/service-processes.js';
import { discoverServices } from '../../nats/live/discovery.js';
import { ERROR_CODES } from '../../services/math/handle.js';
import type { Summary } from '../../services/requester/stats.js';
import { parseJson, runScript } from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { expectOk, type Fixture, makeFixture, mysqlEnv, NAMES, SMALL } from '../support/services-fixture.js';

const PORT_BASE = portBase('servicesMath');

describe('math services on a local supercluster', { timeout: 600_000 }, () => {
  let fx: Fixture;

  before(async () => {
    fx = makeFixture(PORT_BASE, mysqlEnv('math').env);
    expectOk(await fx.run('install', [...NAMES, ...SMALL]), 'install');
  });
  after(async () => {
    await fx?.cleanup();
  });

  async function ask(subject: string, body: string, region = 'c1') {
    const nc = await fx.connectAs('requester', region);
    const m = await nc.request(subject, body, { timeout: 3000 });
    return {
      code: m.headers?.get('Nats-Service-Error-Code') ?? '',
      error: m.headers?.get('Nats-Service-Error') ?? '',
      body: m.data.length ? m.string() : '',
    };
  }

  it('answers every operation from the asking region', async () => {
    const cases: [string, number][] = [
      ['add', 10],
      ['subtract', 4],
      ['multiply', 21],
      ['divide', 7 / 3],
    ];
    for (const [op, want] of cases) {
      const r = await ask(`math.numbers.${op}`, JSON.stringify({ first: 7, second: 3 }));
      assert.equal(r.code, '', `${op}: ${r.error}`);
      const body = JSON.parse(r.body);
      assert.equal(body.result, want, op);
      assert.equal(body.operation, op);
      assert.equal(body.region, 'c1');
      assert.equal(body.instance, `c1-${{ add: 'adder', subtract: 'subtractor', multiply: 'multiplier', divide: 'divider' }[op]}-0`);
    }
  });

  it('answers bad input with service errors (code and description headers), never a crash', async () => {
    const bad: [string, string, number, RegExp][] = [
      ['add', 'not json', ERROR_CODES.invalidJson, /not JSON/],
      ['add', '', ERROR_CODES.invalidJson, /not JSON/],
      ['subtract', JSON.stringify({ first: 1 }), ERROR_CODES.invalidRequest, /required property 'second'/],
      ['multiply', JSON.stringify({ second: 2 }), ERROR_CODES.invalidRequest, /required property 'first'/],
      ['add', JSON.stringify({ first: '1', second: 2 }), ERROR_CODES.invalidRequest, /\/first must be number/],
      ['divide', JSON.stringify({ first: 1, second: null }), ERROR_CODES.invalidRequest, /\/second must be number/],
      ['add', JSON.stringify([1, 2]), ERROR_CODES.invalidRequest, /must be object/],
      ['divide', JSON.stringify({ first: 1, second: 0 }), ERROR_CODES.divisionByZero, /division by zero/],
      ['multiply', JSON.stringify({ first: 1e308, second: 10 }), ERROR_CODES.notFinite, /not a finite number/],
    ];
    for (const [op, body, code, desc] of bad) {
      const r = await ask(`math.numbers.${op}`, body);
      assert.equal(r.code, String(code), `${op} ${body}: got code '${r.code}' (${r.error})`);
      assert.match(r.error, desc);
      assert.equal(r.body, '', 'an error has no plain-text body');
    }
    // Still alive and answering after all of that.
    const ok = await ask('math.numbers.divide', JSON.stringify({ first: 1, second: 4 }));
    assert.equal(JSON.parse(ok.body).result, 0.25);
  });

  it('publishes name, region and JSON schemas through the services discovery', async () => {
    const nc = await fx.connectAs('admin');
    const found = await discoverServices(nc);
    const math = found.filter((f) => !f.name.startsWith('recorder-'));
    assert.equal(math.length, 12, math.map((f) => f.name).join(', '));
    for (const region of NAMES) {
      assert.deepEqual(
        math
          .filter((f) => f.region === region)
          .map((f) => f.name)
          .sort(),
        ['adder', 'divider', 'multiplier', 'subtractor'].map((s) => `${s}-${region}`),
      );
    }
    const { svcm } = await import('../../nats/live/services-framework.js');
    const infos = await svcm(nc).client({ strategy: 'stall', maxWait: 1500 }).info('divider-c2');
    for await (const info of infos) {
      assert.equal(info.metadata?.region, 'c2');
      const ep = info.endpoints[0]!;
      assert.equal(ep.subject, 'math.numbers.divide');
      assert.equal(ep.queue_group, 'math');
      const schema = JSON.parse(ep.metadata!['request-schema']!);
      assert.deepEqual(schema.required, ['first', 'second']);
      assert.deepEqual(schema.properties.second.not, { const: 0 });
      assert.ok(JSON.parse(ep.metadata!['response-schema']!).properties.result);
    }
  });

  it('keeps requests from c1 in c1 (geo-affinity), with the summary shape of --json', async () => {
    const r = await fx.run('request', ['--from', 'c1', '--count', '50', '--seed', '42', '--json']);
    expectOk(r, 'request');
    const s = parseJson<Summary>(r.stdout);
    const keys = Object.keys(s).filter((k) => k !== 'recorded');
    assert.deepEqual(keys.sort(), ['byRegion', 'errors', 'failures', 'latencyMs', 'ok', 'published', 'requests']);
    assert.deepEqual(s.failures, {});
    assert.equal(s.requests, 200);
    assert.equal(s.ok, 200);
    assert.equal(s.errors, 0);
    assert.deepEqual(s.byRegion, { c1: 200 });
    assert.equal(s.published.significant + s.published.throwaway, 200);
    assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p50 <= s.latencyMs.p90 && s.latencyMs.p90 <= s.latencyMs.p99);
  });

  it('stops asking on Ctrl-C, finishes what it asked, and still prints the summary (exit 130)', async () => {
    const started = new Promise((r) => setTimeout(r, 2500));
    const r = await runScript(
      'request',
      ['--from', 'c1', '--count', '100000', '--concurrency', '4', '--record-wait', '0'],
      fx.sandbox.env,
      120_000,
      { when: started },
    );
    assert.equal(r.code, 130, r.stderr.slice(-2000));
    assert.match(r.stdout + r.stderr, /interrupted \(SIGINT\): stopped asking after \d+ of 400000 requests/);
    assert.match(r.stdout + r.stderr, /requests \d+, answered \d+, errors 0/);
  });

  it("answers c1's questions elsewhere when c1's services host stops mid-run, failing at most the requests in flight", async () => {
    const concurrency = 4;
    const running = fx.run('request', [
      '--from',
      'c1',
      '--count',
      '400',
      '--concurrency',
      String(concurrency),
      '--record-wait',
      '0',
      '--json',
    ]);
    await new Promise((r) => setTimeout(r, 400));
    const pid = servicePid(fx.sandbox.dir, 'c1-services-0');
    assert.ok(pid, 'c1-services-0 runs');
    await stopProcess(pid);
    const r = await running;
    const s = parseJson<Summary>(r.stdout);
    assert.ok(s.errors <= concurrency, `errors ${s.errors} > requests in flight ${concurrency}:\n${r.stderr.slice(-2000)}`);
    assert.ok((s.byRegion.c2 ?? 0) + (s.byRegion.c3 ?? 0) > 0, `some answered outside c1: ${JSON.stringify(s.byRegion)}`);

    // With c1's services gone, every question goes to another region.
    const again = await fx.run('request', ['--from', 'c1', '--count', '40', '--record-wait', '0', '--json']);
    expectOk(again, "request without c1's services");
    const t = parseJson<Summary>(again.stdout);
    assert.equal(t.errors, 0);
    assert.equal(t.byRegion.c1, undefined);
    assert.equal((t.byRegion.c2 ?? 0) + (t.byRegion.c3 ?? 0), 160);
  });

  it('status lists the services per region and names a dead host; stage 08 restarts it and is idempotent', async () => {
    const st = await fx.run('status', ['--json']);
    assert.equal(st.code, 1, 'a dead service makes status fail');
    const json = parseJson<{ ok: boolean; problems: string[]; services: Record<string, { name: string }[]> }>(st.stdout);
    assert.ok(
      json.problems.some((p) => p.includes('c1-services-0')),
      json.problems.join('\n'),
    );
    assert.ok(!json.services.c1?.some((s) => s.name === 'adder-c1'));
    assert.ok(json.services.c2!.some((s) => s.name === 'adder-c2'));

    const heal = await fx.run('08-services', NAMES);
    expectOk(heal, 'stage 08 again');
    assert.match(heal.stdout, /1 heal, \d+ unchanged/);
    assert.ok(servicePid(fx.sandbox.dir, 'c1-services-0'));

    const again = await fx.run('08-services', NAMES);
    expectOk(again, 'stage 08 a third time');
    assert.match(again.stdout, /service processes \(\d+ services\): \d+ unchanged/);
    assert.doesNotMatch(again.stdout, /\b(start|restart|heal) \(pid/);

    const ok = await fx.run('status', ['--json']);
    expectOk(ok, 'status');
    const healthy = parseJson<{ ok: boolean; services: Record<string, unknown[]> }>(ok.stdout);
    assert.equal(healthy.ok, true);
    for (const n of NAMES) assert.ok(healthy.services[n]!.length >= 4);

    const back = await fx.run('request', ['--from', 'c1', '--count', '10', '--json']);
    assert.deepEqual(parseJson<Summary>(back.stdout).byRegion, { c1: 40 });
    assert.match(readFileSync(serviceFiles(fx.sandbox.dir, 'c1-services-0').log, 'utf8'), /ready in c1/);
  });

  it('validates requester flags before connecting', async () => {
    const r = await fx.run('request', ['--from', 'nowhere', '--count', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--from nowhere is not a cluster or edge site of this sandbox \(c1, c2, c3\)/);
    const c = await fx.run('request', ['--from', 'c1', '--count', 'many']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--count must be a whole number/);
  });
});
