// What the drill reads back after its load: the rows the recorder stored for this run's message
// ids (waiting, within a bound, for it to drain), and every copy of the run's answers in the
// answers stream, to find any question stored twice.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createConnection } from 'mysql2/promise';
import { poll } from '../../../core/poll.js';
import { ANSWERS_STREAM } from '../../../nats/accounts.js';
import { likePrefix } from '../../../services/recorder/db.js';
import { parseMysqlUrl } from '../../../services/recorder/mysql-url.js';
import { TABLE } from '../../../services/recorder/rows.js';

/** Keys of the rows whose message id starts with one of `runIds` followed by '.'. */
export async function storedKeys(url: string, runIds: readonly string[]): Promise<string[]> {
  const c = await createConnection({ ...parseMysqlUrl(url), connectTimeout: 3000 });
  try {
    const keys: string[] = [];
    for (const id of runIds) {
      const [rows] = await c.query(`SELECT answer_key AS k FROM \`${TABLE}\` WHERE answer_key LIKE ?`, [`${likePrefix(`${id}.`)}%`]);
      keys.push(...(rows as { k: string }[]).map((r) => r.k));
    }
    return keys;
  } catch (e) {
    if ((e as { code?: string }).code === 'ER_NO_SUCH_TABLE') return [];
    throw e;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface Drained {
  keys: string[];
  waitedMs: number;
  /** Why MySQL could not be read, when the last try failed. */
  error?: string;
}

/** Wait (up to `timeoutMs`) until every acknowledged significant answer has its row. */
export async function waitDrained(url: string, runIds: readonly string[], acked: readonly string[], timeoutMs: number): Promise<Drained> {
  let keys: string[] = [];
  const r = await poll({
    timeoutMs,
    intervalMs: 500,
    attempt: async () => {
      keys = await storedKeys(url, runIds);
      const have = new Set(keys);
      return acked.every((k) => have.has(k)) ? keys : undefined;
    },
  });
  return { keys, waitedMs: r.elapsedMs, ...(r.value === undefined && r.lastError ? { error: r.lastError } : {}) };
}

/** The answers stream's last sequence: the drill's own messages come after it. */
export async function streamLastSeq(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc, { timeout: 5000 });
  return (await jsm.streams.info(ANSWERS_STREAM)).state.last_seq;
}

/**
 * Copies of each message id starting with one of `runIds` in the answers stream after `afterSeq`
 * (headers only: the id is all that is needed). Read through to the stream's last sequence now.
 */
export async function streamCopies(nc: NatsConnection, afterSeq: number, runIds: readonly string[]): Promise<Map<string, number>> {
  const lastSeq = await streamLastSeq(nc);
  const copies = new Map<string, number>();
  if (lastSeq <= afterSeq) return copies;
  const prefixes = runIds.map((id) => `${id}.`);
  const consumer = await jetstream(nc, { timeout: 5000 }).consumers.get(ANSWERS_STREAM, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: afterSeq + 1,
    headers_only: true,
  });
  for (;;) {
    // A fetch that brings nothing new means the rest was deleted (limits): what is read is all there is.
    let last = 0;
    const batch = await consumer.fetch({ max_messages: 1000, expires: 3000 });
    for await (const m of batch) {
      last = m.seq;
      const id = m.headers?.get('Nats-Msg-Id') ?? '';
      if (prefixes.some((p) => id.startsWith(p))) copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    if (!last || last >= lastSeq) break;
  }
  return copies;
}
