// The recorder for real: every significant answer the requester published lands in MySQL exactly
// once: also over a table made by an earlier version (keyed on the stream sequence), when the
// answers stream is deleted and made again, when a publish is retried with the same id, when the
// publish window is full, when every services host is killed mid-run, when MySQL is down for a
// while, and when bad payloads sit in the stream. The requester exits 1 when the run's answers are not all recorded in time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createConnection } from 'mysql2/promise';
import { stopPrivateMysql } from '../../cluster/local/mysql.js';
import { serviceFiles, servicePid } from '../../cluster/local/service-processes.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../../nats/accounts.js';
import { AnswersDb } from '../../services/recorder/db.js';
import { parseMysqlUrl } from '../../services/recorder/mysql-url.js';
import type { Recorded } from '../../services/requester/cli.js';
import { runRequester } from '../../services/requester/run.js';
import type { Summary } from '../../services/requester/stats.js';
import { parseJson } from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { countRows, expectOk, type Fixture, makeFixture, mysqlEnv, NAMES, SMALL, waitFor } from '../support/services-fixture.js';

const PORT_BASE = portBase('servicesRecorder');
const HOSTS = NAMES.map((n) => `${n}-services-0`);

type RequestJson = Summary & { recorded?: Recorded };

describe('recorder into MySQL', { timeout: 900_000 }, () => {
  const db = mysqlEnv('rec');
  let fx: Fixture;
  let url: string;
  /** Rows the table must hold: every significant answer published so far, plus rows put there by hand. */
  let expected = 0;

  async function request(rounds: number, extra: string[] = []): Promise<RequestJson> {
    const r = await fx.run('request', ['--from', 'c1', '--count', String(rounds), '--json', ...extra]);
    expectOk(r, 'request');
    const s = parseJson<RequestJson>(r.stdout);
    expected += s.published.significant;
    return s;
  }

  const rowsReach = (n: number, timeoutMs = 90_000) =>
    waitFor(
      `${n} rows`,
      () => countRows(url),
      (c) => c.rows >= n,
      timeoutMs,
    );

  /** Exactly `expected` rows, each answer once (checked again after a pause: nothing late, nothing twice). */
  async function exactlyOnce(): Promise<void> {
    await rowsReach(expected);
    await sleep(1000);
    assert.deepEqual(await countRows(url), { rows: expected, keys: expected, ids: expected });
  }

  async function logs(): Promise<string> {
    return HOSTS.map((n) => readFileSync(serviceFiles(fx.sandbox.dir, n).log, 'utf8')).join('\n');
  }

  async function killHosts(): Promise<void> {
    for (const name of HOSTS) {
      const pid = servicePid(fx.sandbox.dir, name);
      assert.ok(pid, `${name} runs`);
      process.kill(pid, 'SIGKILL');
    }
    await sleep(300);
  }

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

  it('migrates a table keyed on the stream sequence in place: old rows stay, new answers with the same sequences are stored', async () => {
    const c = await createConnection({ ...parseMysqlUrl(url), connectTimeout: 5000 });
    try {
      // The table as the previous version made it, with rows of an earlier stream at sequences 1..5.
      await c.query('DROP TABLE IF EXISTS significant');
      await c.query(`CREATE TABLE significant (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, stream_seq BIGINT UNSIGNED NOT NULL, msg_id VARCHAR(200) NULL,
        \`first\` DOUBLE NOT NULL, \`second\` DOUBLE NOT NULL, operation VARCHAR(16) NOT NULL, result DOUBLE NOT NULL,
        region VARCHAR(64) NOT NULL, instance VARCHAR(128) NOT NULL, recorded_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        UNIQUE KEY uq_stream_seq (stream_seq))`);
      for (let seq = 1; seq <= 5; seq++) {
        await c.query(
          "INSERT INTO significant (stream_seq, msg_id, `first`, `second`, operation, result, region, instance) VALUES (?, ?, 3, 1, 'add', 4, 'c1', 'old')",
          [seq, `old.${seq}`],
        );
      }
    } finally {
      await c.end();
    }
    expected = 5;
    await killHosts();
    expectOk(await fx.run('08-services', NAMES), 'stage 08 restarts the hosts, whose recorders migrate the table');
    const s = await request(100);
    assert.equal(s.errors, 0);
    assert.deepEqual(s.recorded, { expected: s.published.significant, stored: s.published.significant, unacked: 0, complete: true });
    await exactlyOnce();
  });

  it('tells the user, in text mode, that every significant answer of the run is in MySQL', async () => {
    const r = await fx.run('request', ['--from', 'c1', '--count', '20']);
    expectOk(r, 'request');
    const mine = Number(/published: significant (\d+)/.exec(r.stdout)?.[1]);
    expected += mine;
    assert.ok(mine > 0, r.stdout);
    assert.match(
      r.stdout,
      new RegExp(`recorded in MySQL answers\\.significant: ${mine} of this run's ${mine} acknowledged significant answers`),
    );
  });

  it('records every answer of a new run once after the answers stream is deleted and made again', async () => {
    const nc = await fx.connectAs('admin');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(ANSWERS_STREAM);
    expectOk(await fx.run('07-jetstream', NAMES), 'stage 07 makes the stream and its consumer again');
    assert.equal((await jsm.streams.info(ANSWERS_STREAM)).state.last_seq, 0, 'a new stream: sequences start again at 1');
    const s = await request(60);
    assert.equal(s.recorded?.complete, true, JSON.stringify(s.recorded));
    await exactlyOnce();
  });

  it('stores a stored answer once when a batch is delivered again', async () => {
    const answers = new AnswersDb(parseMysqlUrl(url));
    try {
      const rows = [1, 2, 3].map((i) => [900_000 + i, `again.${i}`, `again.${i}`, i, 1, 'add', i + 1, 'c1', 'test'] as const);
      assert.equal(await answers.insert(rows.map((r) => [...r])), 3);
      assert.equal(await answers.insert(rows.map((r) => [...r])), 0, 'the same batch again changes nothing');
      expected += 3;
    } finally {
      await answers.close();
    }
    await exactlyOnce();
  });

  it('stores a publish retried with the same message id once (the stream deduplicates it)', async () => {
    const nc = await fx.connectAs('requester');
    const js = jetstream(nc);
    const tried = new Set<string>();
    let duplicates = 0;
    const result = await runRequester(nc, {
      count: 10,
      concurrency: 2,
      publish: async (m) => {
        const ack = await js.publish(m.subject, m.data, { msgID: m.msgID });
        if (ack.duplicate) duplicates++;
        // Every first attempt is stored but its ack "lost": the requester publishes it again.
        if (!tried.has(m.msgID)) {
          tried.add(m.msgID);
          throw new Error('ack lost');
        }
      },
      publishAttempts: 3,
    });
    assert.deepEqual(result.failures, {});
    assert.equal(duplicates, 40, 'every retry was recognised by the stream as a duplicate');
    expected += result.summary.published.significant;
    await exactlyOnce();
  });

  it('makes the askers wait while the publish window is full, and loses nothing', async () => {
    const nc = await fx.connectAs('requester');
    const result = await runRequester(nc, { count: 30, concurrency: 8, window: 2 });
    assert.deepEqual(result.failures, {});
    assert.ok(result.peakWindow <= 2, `at most 2 publishes awaited their ack at once (saw ${result.peakWindow})`);
    assert.equal(result.summary.published.significant + result.summary.published.throwaway, 120);
    expected += result.summary.published.significant;
    await exactlyOnce();
  });

  it('loses nothing and doubles nothing when every services host (recorders included) is killed mid-run', async () => {
    const running = fx.run('request', ['--from', 'c1', '--count', '1000', '--concurrency', '16', '--record-wait', '0', '--json']);
    await waitFor(
      'rows from the new run',
      () => countRows(url),
      (c) => c.rows > expected,
      30_000,
    );
    await killHosts();
    const r = await running;
    // With every math service gone the rest of the run fails (if it was not done yet); what was
    // published must be recorded.
    const s = parseJson<RequestJson>(r.stdout);
    assert.equal(r.code, s.errors ? 1 : 0);
    expected += s.published.significant;
    const before = await countRows(url);
    assert.ok(before.rows <= expected);

    const heal = await fx.run('08-services', NAMES);
    expectOk(heal, 'stage 08 restarts the hosts');
    assert.match(heal.stdout, /3 heal/);
    await exactlyOnce();
  });

  it('acks nothing while MySQL is down, says the run is not recorded (exit 1), and stores everything once it is back', {
    skip: db.external ? 'MYSQL_URL points at a shared server this test must not stop' : false,
  }, async () => {
    assert.ok(await stopPrivateMysql(fx.sandbox.dir), 'the private server was running');
    const r = await fx.run('request', ['--from', 'c1', '--count', '40', '--record-wait', '2', '--json']);
    assert.equal(r.code, 1, 'answers not recorded in time: exit 1');
    const s = parseJson<RequestJson>(r.stdout);
    assert.equal(s.errors, 0);
    assert.equal(s.recorded?.complete, false);
    assert.match(r.stderr, /recorded in MySQL/);
    expected += s.published.significant;
    await waitFor(
      'a recorder noticing the database is gone',
      logs,
      (l) => /database write failed .* handed back for redelivery/.test(l),
      30_000,
    );
    const nc = await fx.connectAs('admin');
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
    assert.ok(
      info.num_pending + info.num_ack_pending >= s.published.significant,
      `nothing of the run acknowledged while the database is down: ${info.num_pending} pending, ${info.num_ack_pending} awaiting ack`,
    );
    const restart = await fx.run('08-services', NAMES);
    expectOk(restart, 'stage 08 restarts the private MySQL');
    assert.match(restart.stdout, /private mariadb server started|private mysql server started/);
    await exactlyOnce();
  });

  it('stage 08 starts the hosts and a stopped private MySQL together: nothing handed back, each answer stored once', {
    skip: db.external ? 'MYSQL_URL points at a shared server this test must not stop' : false,
  }, async () => {
    // Whether a recorder comes up before the database here depends on timing; the rule that it
    // then waits is the recorder's unit test (waitForDatabase).
    await killHosts();
    assert.ok(await stopPrivateMysql(fx.sandbox.dir), 'the private server was running');
    // Answers waiting in the stream when the recorders come back.
    const nc = await fx.connectAs('requester');
    const js = jetstream(nc);
    const run = `waiting-db-${Date.now()}`;
    for (let i = 0; i < 200; i++) {
      const answer = { first: i, second: 1, operation: 'add', result: i + 1, region: 'c1', instance: 'test' };
      await js.publish('answers.significant', JSON.stringify(answer), { msgID: `${run}.${i}` });
    }
    expected += 200;
    const logFiles = HOSTS.map((n) => serviceFiles(fx.sandbox.dir, n).log);
    const lengths = logFiles.map((f) => readFileSync(f, 'utf8').length);
    const restart = await fx.run('08-services', NAMES);
    expectOk(restart, 'stage 08 starts the private MySQL and the hosts');
    assert.match(restart.stdout, /private mariadb server started|private mysql server started/);
    await exactlyOnce();
    const since = logFiles.map((f, i) => readFileSync(f, 'utf8').slice(lengths[i])).join('\n');
    assert.doesNotMatch(since, /database write failed/, 'no batch was taken before the database answered');
  });

  it('terminates payloads that can never be stored instead of redelivering them forever', async () => {
    const nc = await fx.connectAs('admin');
    const js = jetstream(nc);
    const bad = await js.publish('answers.significant', 'not json at all');
    const partial = await js.publish('answers.significant', JSON.stringify({ first: 1, second: 2, operation: 'add' }));
    await waitFor(
      'the bad payloads terminated',
      logs,
      (l) =>
        l.includes(`terminated stream sequence ${bad.seq}: payload is not JSON`) &&
        l.includes(`terminated stream sequence ${partial.seq}: payload is not an answer`),
      30_000,
    );
    const jsm = await jetstreamManager(nc);
    await waitFor(
      'nothing pending',
      () => jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER),
      (i) => i.num_pending === 0 && i.num_ack_pending === 0,
      30_000,
    );
    assert.deepEqual(await countRows(url), { rows: expected, keys: expected, ids: expected });
  });
});
