// The recorder for real: every significant answer the requester published lands in MySQL exactly
// once, also when every recorder is killed mid-run, when MySQL is down for a while, and when bad
// payloads sit in the stream.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { stopPrivateMysql } from '../../cluster/local/mysql.js';
import { serviceFiles, servicePid } from '../../cluster/local/service-processes.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../../nats/accounts.js';
import type { Summary } from '../../services/requester/stats.js';
import { parseJson } from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { countRows, expectOk, type Fixture, makeFixture, mysqlEnv, NAMES, SMALL, waitFor } from '../support/services-fixture.js';

const PORT_BASE = portBase('servicesRecorder');
const RECORDERS = NAMES.map((n) => `${n}-recorder-0`);

describe('recorder into MySQL', { timeout: 600_000 }, () => {
  const db = mysqlEnv('rec');
  let fx: Fixture;
  let url: string;
  let published = 0;

  async function request(rounds: number, extra: string[] = []): Promise<Summary> {
    const r = await fx.run('request', ['--from', 'c1', '--count', String(rounds), '--json', ...extra]);
    expectOk(r, 'request');
    const s = parseJson<Summary>(r.stdout);
    published += s.published.significant;
    return s;
  }

  const rowsReach = (n: number, timeoutMs = 90_000) =>
    waitFor(
      `${n} rows`,
      () => countRows(url),
      (c) => c.rows >= n,
      timeoutMs,
    );

  before(async () => {
    fx = makeFixture(PORT_BASE, db.env);
    expectOk(await fx.run('install', [...NAMES, ...SMALL]), 'install');
    const u = fx.mysqlUrl();
    assert.ok(u, 'install made or found a MySQL server (mariadb-server must be installed, or MYSQL_URL set)');
    url = u;
  });
  after(async () => {
    await fx?.cleanup();
  });

  it('stores exactly the significant answers of 100 rounds, none twice', async () => {
    const s = await request(100);
    assert.equal(s.errors, 0);
    assert.ok(s.published.significant > 0);
    const c = await rowsReach(published);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await countRows(url), { rows: published, seqs: published, ids: published });
    assert.equal(c.rows, published);
  });

  it('tells the user, in text mode, that every significant answer of the run is in MySQL', async () => {
    const r = await fx.run('request', ['--from', 'c1', '--count', '20']);
    expectOk(r, 'request');
    const mine = Number(/published: significant (\d+)/.exec(r.stdout)?.[1]);
    published += mine; // the later tests count every row
    assert.ok(mine > 0, r.stdout);
    assert.match(r.stdout, new RegExp(`recorded in MySQL answers\\.significant: ${mine} of this run's ${mine} significant answers`));
  });

  it('loses nothing and doubles nothing when every recorder is killed mid-run and restarted', async () => {
    const running = fx.run('request', ['--from', 'c1', '--count', '150', '--concurrency', '2', '--json']);
    await waitFor(
      'rows from the new run',
      () => countRows(url),
      (c) => c.rows > published,
      30_000,
    );
    const { setTimeout: sleep } = await import('node:timers/promises');
    for (const name of RECORDERS) {
      const pid = servicePid(fx.sandbox.dir, name);
      assert.ok(pid, `${name} runs`);
      process.kill(pid, 'SIGKILL');
    }
    await sleep(300);
    const r = await running;
    expectOk(r, 'request during the kill');
    published += parseJson<Summary>(r.stdout).published.significant;
    const before = await countRows(url);
    assert.ok(before.rows < published, `the recorders were dead: ${before.rows} rows < ${published} published`);

    const heal = await fx.run('08-services', NAMES);
    expectOk(heal, 'stage 08 restarts the recorders');
    assert.match(heal.stdout, /3 heal/);
    await rowsReach(published);
    await sleep(1500);
    assert.deepEqual(await countRows(url), { rows: published, seqs: published, ids: published });
  });

  it('naks with backoff while MySQL is down and stores everything once it is back', {
    skip: db.external ? 'MYSQL_URL points at a shared server this test must not stop' : false,
  }, async () => {
    assert.ok(await stopPrivateMysql(fx.sandbox.dir), 'the private server was running');
    const s = await request(40);
    assert.equal(s.errors, 0);
    await waitFor(
      'a recorder noticing the database is gone',
      async () => RECORDERS.map((n) => readFileSync(serviceFiles(fx.sandbox.dir, n).log, 'utf8')).join('\n'),
      (logs) => /database write failed .* handed back for redelivery/.test(logs),
      30_000,
    );
    const restart = await fx.run('08-services', NAMES);
    expectOk(restart, 'stage 08 restarts the private MySQL');
    assert.match(restart.stdout, /private mariadb server started|private mysql server started/);
    await rowsReach(published);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await countRows(url), { rows: published, seqs: published, ids: published });
  });

  it('terminates payloads that can never be stored instead of redelivering them forever', async () => {
    const nc = await fx.connectAs('admin');
    const js = jetstream(nc);
    const bad = await js.publish('answers.significant', 'not json at all');
    const partial = await js.publish('answers.significant', JSON.stringify({ first: 1, second: 2, operation: 'add' }));
    await waitFor(
      'the bad payloads terminated',
      async () => RECORDERS.map((n) => readFileSync(serviceFiles(fx.sandbox.dir, n).log, 'utf8')).join('\n'),
      (logs) =>
        logs.includes(`terminated stream sequence ${bad.seq}: payload is not JSON`) &&
        logs.includes(`terminated stream sequence ${partial.seq}: payload is not an answer`),
      30_000,
    );
    const jsm = await jetstreamManager(nc);
    await waitFor(
      'nothing pending',
      () => jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER),
      (i) => i.num_pending === 0 && i.num_ack_pending === 0,
      30_000,
    );
    assert.deepEqual(await countRows(url), { rows: published, seqs: published, ids: published });
  });
});
