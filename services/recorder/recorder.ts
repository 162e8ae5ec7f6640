// The recorder: reads answers-consumer in batches, writes them to MySQL in one transaction and
// acknowledges only after the commit. Bad payloads are terminated; a database that is down means
// nak with backoff and a new connection, never a lost answer.

import { setTimeout as sleep } from 'node:timers/promises';
import { type Consumer, type JsMsg, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../../nats/accounts.js';
import { AnswersDb } from './db.js';
import type { MysqlSettings } from './mysql-url.js';
import { type Row, toRow } from './rows.js';

export interface RecorderOptions {
  nc: NatsConnection;
  mysql: MysqlSettings;
  batchSize?: number;
  /** How long one pull waits for a full batch. */
  expiresMs?: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

export interface RecorderStats {
  inserted: number;
  duplicates: number;
  terminated: number;
  failedBatches: number;
}

/** Exponential backoff for a database that does not answer: 250ms doubling to 5s. */
export function nextBackoff(previousMs: number): number {
  return Math.min(5000, previousMs ? previousMs * 2 : 250);
}

async function getConsumer(nc: NatsConnection, log: (l: string) => void, signal: AbortSignal): Promise<Consumer | undefined> {
  const js = jetstream(nc);
  let backoff = 0;
  while (!signal.aborted) {
    try {
      return await js.consumers.get(ANSWERS_STREAM, ANSWERS_CONSUMER);
    } catch (e) {
      backoff = nextBackoff(backoff);
      log(`consumer ${ANSWERS_STREAM}/${ANSWERS_CONSUMER} not available (${(e as Error).message}); retrying in ${backoff}ms`);
      await sleep(backoff).catch(() => undefined);
    }
  }
  return undefined;
}

export async function runRecorder(opts: RecorderOptions): Promise<RecorderStats> {
  const stats: RecorderStats = { inserted: 0, duplicates: 0, terminated: 0, failedBatches: 0 };
  const db = new AnswersDb(opts.mysql);
  const batchSize = opts.batchSize ?? 200;
  const expires = opts.expiresMs ?? 1000;
  try {
    await db.open();
    opts.log(`database ${opts.mysql.database} on ${opts.mysql.host}:${opts.mysql.port} ready`);
  } catch (e) {
    opts.log(`database not reachable yet (${(e as Error).message}); will retry with every batch`);
    await db.reset();
  }
  const consumer = await getConsumer(opts.nc, opts.log, opts.signal);
  if (!consumer) return stats;
  opts.log(`reading ${ANSWERS_STREAM}/${ANSWERS_CONSUMER} in batches of ${batchSize}`);
  let backoff = 0;
  while (!opts.signal.aborted) {
    const batch: JsMsg[] = [];
    try {
      const iter = await consumer.fetch({ max_messages: batchSize, expires });
      for await (const m of iter) batch.push(m);
    } catch (e) {
      backoff = nextBackoff(backoff);
      opts.log(`fetch failed (${(e as Error).message}); retrying in ${backoff}ms`);
      await sleep(backoff);
      continue;
    }
    if (!batch.length) continue;
    const rows: Row[] = [];
    const good: JsMsg[] = [];
    for (const m of batch) {
      const parsed = toRow(m.data, m.seq, m.headers?.get('Nats-Msg-Id') || undefined);
      if (parsed.ok) {
        rows.push(parsed.row);
        good.push(m);
      } else {
        // It will never be storable: redelivering it forever would only block the consumer.
        m.term();
        stats.terminated++;
        opts.log(`terminated stream sequence ${m.seq}: ${parsed.reason}`);
      }
    }
    if (!rows.length) continue;
    try {
      const inserted = await db.insert(rows);
      for (const m of good) m.ack();
      await opts.nc.flush();
      stats.inserted += inserted;
      stats.duplicates += rows.length - inserted;
      backoff = 0;
    } catch (e) {
      backoff = nextBackoff(backoff);
      stats.failedBatches++;
      for (const m of good) m.nak(backoff);
      opts.log(`database write failed (${(e as Error).message}); ${good.length} answer(s) handed back for redelivery in ${backoff}ms`);
      await db.reset();
      await sleep(backoff);
    }
  }
  await db.close();
  return stats;
}
