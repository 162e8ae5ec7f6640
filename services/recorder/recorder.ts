// The recorder: consumes answers-consumer continuously (the client keeps pulling while a batch is
// being written), cuts batches by count and time, writes each batch with one multi-row insert and
// acknowledges only after it is committed. Bad payloads are terminated; a database that is down
// means nak with backoff and a fresh pool, never a lost answer.

import { setTimeout as sleep } from 'node:timers/promises';
import { type Consumer, type ConsumerMessages, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../../nats/accounts.js';
import { Batcher } from './batcher.js';
import { AnswersDb } from './db.js';
import type { MysqlSettings } from './mysql-url.js';
import { type Row, toRow } from './rows.js';

export interface RecorderOptions {
  nc: NatsConnection;
  mysql: MysqlSettings;
  /** Most rows in one insert. */
  batchSize?: number;
  /** Longest an answer waits for its batch to fill before the batch is written anyway. */
  batchWaitMs?: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

export interface RecorderStats {
  inserted: number;
  duplicates: number;
  terminated: number;
  failedBatches: number;
}

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_BATCH_WAIT_MS = 20;

/** Exponential backoff for a database that does not answer: 250ms doubling to `capMs` (5s). */
export function nextBackoff(previousMs: number, capMs = 5000): number {
  return Math.min(capMs, previousMs ? previousMs * 2 : 250);
}

/**
 * A missing consumer or database is looked for at least every second: asking costs one small
 * request, and recording resumes within a second of stage 07 making the consumer again, or of
 * stage 08's private database answering.
 */
export const MISSING_RETRY_CAP_MS = 1000;

async function getConsumer(nc: NatsConnection, log: (l: string) => void, signal: AbortSignal): Promise<Consumer | undefined> {
  const js = jetstream(nc);
  let backoff = 0;
  let misses = 0;
  while (!signal.aborted) {
    try {
      return await js.consumers.get(ANSWERS_STREAM, ANSWERS_CONSUMER);
    } catch (e) {
      backoff = nextBackoff(backoff, MISSING_RETRY_CAP_MS);
      // The first miss and then one line a minute: the log says why nothing is recorded without filling up.
      if (misses++ % 60 === 0)
        log(
          `consumer ${ANSWERS_STREAM}/${ANSWERS_CONSUMER} not available (${(e as Error).message}); looking again every ${MISSING_RETRY_CAP_MS}ms at most`,
        );
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
    }
  }
  return undefined;
}

/** Rows of the storable messages; the others are terminated (redelivering them forever would block the consumer). */
function split(batch: JsMsg[], stats: RecorderStats, log: (l: string) => void): { rows: Row[]; good: JsMsg[] } {
  const rows: Row[] = [];
  const good: JsMsg[] = [];
  for (const m of batch) {
    const parsed = toRow(m.data, { seq: m.seq, msgId: m.headers?.get('Nats-Msg-Id') || undefined, storedNanos: m.info.timestampNanos });
    if (parsed.ok) {
      rows.push(parsed.row);
      good.push(m);
    } else {
      m.term();
      stats.terminated++;
      log(`terminated stream sequence ${m.seq}: ${parsed.reason}`);
    }
  }
  return { rows, good };
}

/** Consumer notifications after which this consume() will not deliver again: start over with the consumer as it is now. */
const LOST = new Set(['consumer_deleted', 'consumer_not_found', 'stream_not_found']);

/**
 * Keep a consume() of answers-consumer pushing into `batches` until stopped. When the consumer or
 * its stream goes away (deleted and made again by stage 07), start over with the new one.
 */
async function feed(opts: RecorderOptions, batches: Batcher<JsMsg>, batchSize: number): Promise<void> {
  let announced = false;
  while (!opts.signal.aborted) {
    const consumer = await getConsumer(opts.nc, opts.log, opts.signal);
    if (!consumer) return;
    let messages: ConsumerMessages;
    try {
      // Two batches on their way: the next one arrives while one is being written. Pulls expire
      // after 5s (heartbeats every 2.5s), so a consumer made again under the same name is found
      // within seconds, not after the default 30s.
      messages = await consumer.consume({ max_messages: batchSize * 2, expires: 5000, callback: (m) => batches.push(m) });
    } catch (e) {
      opts.log(`consume failed (${(e as Error).message}); starting over`);
      await sleep(500, undefined, { signal: opts.signal }).catch(() => undefined);
      continue;
    }
    if (!announced) opts.log(`consuming ${ANSWERS_STREAM}/${ANSWERS_CONSUMER} in batches of up to ${batchSize}`);
    announced = true;
    const stop = () => messages.stop();
    opts.signal.addEventListener('abort', stop, { once: true });
    void (async () => {
      for await (const s of messages.status()) {
        if (LOST.has(s.type)) {
          opts.log(`${s.type}: reading ${ANSWERS_STREAM}/${ANSWERS_CONSUMER} afresh`);
          messages.stop();
        }
      }
    })().catch(() => undefined);
    await messages.closed().catch((e) => opts.log(`consume ended (${(e as Error).message}); starting over`));
    opts.signal.removeEventListener('abort', stop);
    if (!opts.signal.aborted) await sleep(250, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}

/** Open the database, trying again at least every second; false when stopped first. */
export async function waitForDatabase(
  db: Pick<AnswersDb, 'open' | 'reset'>,
  opts: Pick<RecorderOptions, 'mysql' | 'log' | 'signal'>,
): Promise<boolean> {
  const where = `${opts.mysql.database} on ${opts.mysql.host}:${opts.mysql.port}`;
  let backoff = 0;
  while (!opts.signal.aborted) {
    try {
      await db.open();
      opts.log(`database ${where} ready${backoff ? ' (waited for it)' : ''}`);
      return true;
    } catch (e) {
      if (!backoff) opts.log(`database ${where} not reachable yet (${(e as Error).message}); taking no answers until it is`);
      await db.reset();
      backoff = nextBackoff(backoff, MISSING_RETRY_CAP_MS);
      await sleep(backoff, undefined, { signal: opts.signal }).catch(() => undefined);
    }
  }
  return false;
}

export async function runRecorder(opts: RecorderOptions): Promise<RecorderStats> {
  const stats: RecorderStats = { inserted: 0, duplicates: 0, terminated: 0, failedBatches: 0 };
  const db = new AnswersDb(opts.mysql);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const batches = new Batcher<JsMsg>(batchSize, opts.batchWaitMs ?? DEFAULT_BATCH_WAIT_MS);
  // No answer is taken before the database answers: one started alongside the recorder (stage 08
  // starts both at once) is waited for, instead of naking batches it could not write yet.
  if (!(await waitForDatabase(db, opts))) return stats;
  // Stopping ends the wait for the next batch too.
  opts.signal.addEventListener('abort', () => batches.close(), { once: true });
  const feeding = feed(opts, batches, batchSize);
  let backoff = 0;
  try {
    while (!opts.signal.aborted) {
      const batch = await batches.take();
      if (!batch.length) continue;
      const { rows, good } = split(batch, stats, opts.log);
      if (!rows.length) continue;
      try {
        const inserted = await db.insert(rows);
        // Committed: only now may the stream forget them.
        for (const m of good) m.ack();
        stats.inserted += inserted;
        stats.duplicates += rows.length - inserted;
        backoff = 0;
      } catch (e) {
        backoff = nextBackoff(backoff);
        stats.failedBatches++;
        for (const m of good) m.nak(backoff);
        opts.log(`database write failed (${(e as Error).message}); ${good.length} answer(s) handed back for redelivery in ${backoff}ms`);
        await db.reset();
        await sleep(backoff, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    }
  } finally {
    batches.close();
    await feeding;
    // Whatever was received but not written goes back at once, not after the ack wait.
    for (const m of batches.drain()) m.nak();
    await db.close();
  }
  return stats;
}
