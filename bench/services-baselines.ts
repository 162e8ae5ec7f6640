// The raw baselines of the services bench, each measured with plain nats.js or mysql2 doing the
// same work as our services without them: publishing answers, asking the math services, both in
// turn, fetching and acking a backlog, inserting its rows; and the recorders draining a backlog.
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createConnection } from 'mysql2/promise';
import { SandboxError } from '../core/errors.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../nats/accounts.js';
import { jetstreamSpec, SIGNIFICANT_SUBJECT, THROWAWAY_SUBJECT } from '../nats/jetstream/spec.js';
import { consumerConfig } from '../nats/live/jetstream-apply.js';
import type { Topology } from '../nats/topology.js';
import { AnswersDb } from '../services/recorder/db.js';
import { parseMysqlUrl } from '../services/recorder/mysql-url.js';
import { DEFAULT_BATCH_SIZE } from '../services/recorder/recorder.js';
import { createTableSql, insertSql } from '../services/recorder/rows.js';
import { PublishWindow } from '../services/requester/publish-window.js';

/** `concurrency` workers taking the numbers 0..n-1 in turn, each awaiting `job(i)` before the next; the rate per second. */
export async function workersRate(n: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

/** The requester's mix: 3 of 4 answers significant (which the recorders then store as well). */
const mixSubject = (i: number) => (i % 4 === 3 ? THROWAWAY_SUBJECT : SIGNIFICANT_SUBJECT);

export const MATH_ADD = 'math.numbers.add';

const ask = (nc: NatsConnection, i: number) => nc.request(MATH_ADD, JSON.stringify({ first: i + 1, second: 2 }), { timeout: 5000 });

/** A valid answer as the recorders store it. */
const answer = (i: number) => JSON.stringify({ first: i, second: 1, operation: 'add', result: i + 1, region: 'c1', instance: 'bench' });

/** Raw: workers asking the math services (no publishing), to tell asking from storing. */
export function rawRequest(nc: NatsConnection, n: number, concurrency: number): Promise<number> {
  return workersRate(n, concurrency, (i) => ask(nc, i));
}

/**
 * Raw: workers, each awaiting its js.publish before the next, to the same stream with the
 * requester's mix, so both sides of the ratio carry the same load downstream.
 */
export function rawPublish(nc: NatsConnection, n: number, concurrency: number, tag: string): Promise<number> {
  const js = jetstream(nc);
  return workersRate(n, concurrency, (i) => js.publish(mixSubject(i), answer(i + 2), { msgID: `${tag}.${i}` }));
}

/**
 * Raw: workers, each asking math.numbers.add and then publishing the reply to the stream, awaiting
 * both before its next question: the requester's work without its pipelining.
 */
export function rawAskThenPublish(nc: NatsConnection, n: number, concurrency: number, tag: string): Promise<number> {
  const js = jetstream(nc);
  return workersRate(n, concurrency, async (i) => {
    const reply = await ask(nc, i);
    await js.publish(mixSubject(i), reply.data, { msgID: `${tag}.${i}` });
  });
}

/** A backlog of valid significant answers, published through a window. */
async function publishBacklog(nc: NatsConnection, n: number, tag: string): Promise<void> {
  const js = jetstream(nc);
  const w = new PublishWindow((m) => js.publish(m.subject, m.data, { msgID: m.msgID }), { size: 512, attempts: 5 });
  let failed = 0;
  for (let i = 0; i < n; i++) {
    await w.send({ subject: SIGNIFICANT_SUBJECT, data: answer(i + 2), msgID: `${tag}.${i}` }, (o) => {
      if (!o.ok) failed++;
    });
  }
  await w.drain();
  if (failed) throw new SandboxError(`${failed} backlog publishes failed`);
}

/** Raw ceiling 1: one plain loop fetching batches from the stream and acking them, no database. */
export async function rawFetchAck(admin: NatsConnection, startSeq: number, n: number, replicas?: number): Promise<number> {
  const jsm = await jetstreamManager(admin);
  const name = `bench-raw-${startSeq}-r${replicas ?? 'stream'}`;
  await jsm.consumers.add(ANSWERS_STREAM, {
    ...(replicas ? { num_replicas: replicas } : {}),
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    filter_subject: SIGNIFICANT_SUBJECT,
    max_ack_pending: 1000,
  });
  try {
    const consumer = await jetstream(admin).consumers.get(ANSWERS_STREAM, name);
    let got = 0;
    const t0 = performance.now();
    while (got < n) {
      const iter = await consumer.fetch({ max_messages: Math.min(DEFAULT_BATCH_SIZE, n - got), expires: 2000 });
      try {
        for await (const m of iter) {
          m.ack();
          got++;
        }
      } catch (e) {
        // A pull the busy server did not answer in time ends with "heartbeats missed": pull again.
        console.error(`  (raw fetch: ${(e as Error).message}; pulling again)`);
      }
    }
    await admin.flush();
    return (n / (performance.now() - t0)) * 1000;
  } finally {
    await jsm.consumers.delete(ANSWERS_STREAM, name).catch(() => undefined);
  }
}

/** Raw ceiling 2: the same rows inserted in batches into a table of the same shape, no NATS. */
export async function rawInsert(url: string, n: number): Promise<number> {
  const c = await createConnection({ ...parseMysqlUrl(url), connectTimeout: 5000 });
  const table = 'significant_bench';
  try {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(createTableSql(table));
    const t0 = performance.now();
    for (let i = 0; i < n; i += DEFAULT_BATCH_SIZE) {
      const rows: unknown[][] = [];
      for (let j = i; j < Math.min(n, i + DEFAULT_BATCH_SIZE); j++)
        rows.push([j + 1, `raw.${j}`, `raw.${j}`, j, 1, 'add', j + 1, 'c1', 'bench']);
      await c.query(insertSql(table), [rows]);
    }
    return (n / (performance.now() - t0)) * 1000;
  } finally {
    await c.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await c.end();
  }
}

export interface Drained {
  rowsPerSecond: number;
  /** From the consumer made again to its first delivery: the recorders' look-up. */
  lookupMs: number;
  /** The stream sequence of the backlog's first answer. */
  firstSeq: number;
}

/**
 * Time the recorders draining a backlog of `n` answers, the services hosts running throughout: the
 * consumer is taken away (the recorders go looking for it), the stream emptied and filled with the
 * backlog, and the consumer made again as stage 07 makes it. The clock runs from its first delivery
 * to the moment nothing is pending or awaiting ack (acks follow commits), so neither Node start nor
 * the recorders' look-up is in the rate; the look-up is reported apart. Row counts are read once at
 * the end (exactly `n` new rows), not polled: a COUNT(*) every few ms would load the database.
 */
export async function drainBacklog(
  jsm: JetStreamManager,
  topo: Topology,
  publisher: NatsConnection,
  url: string,
  n: number,
  tag: string,
): Promise<Drained> {
  const spec = jetstreamSpec(topo).consumers.find((c) => c.durable === ANSWERS_CONSUMER);
  if (!spec) throw new SandboxError(`the JetStream spec has no ${ANSWERS_CONSUMER}`);
  await jsm.consumers.delete(ANSWERS_STREAM, ANSWERS_CONSUMER);
  await jsm.streams.purge(ANSWERS_STREAM);
  const firstSeq = (await jsm.streams.info(ANSWERS_STREAM)).state.last_seq + 1;
  await publishBacklog(publisher, n, tag);
  await jsm.consumers.add(ANSWERS_STREAM, consumerConfig(spec));
  const made = performance.now();
  let first: number | undefined;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(20)) {
    const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
    const now = performance.now();
    if (first === undefined && info.num_pending < n) first = now;
    if (first !== undefined && info.num_pending === 0 && info.num_ack_pending === 0) {
      const db = new AnswersDb(parseMysqlUrl(url));
      const stored = await db.count(`${tag}.`).finally(() => db.close());
      if (stored !== n) throw new SandboxError(`the recorders stored ${stored} of the ${n} answers of the backlog`);
      return { rowsPerSecond: (n / (now - first)) * 1000, lookupMs: first - made, firstSeq };
    }
  }
  throw new SandboxError(`the recorders did not drain ${n} answers in 5 minutes`);
}
