// What the drill reads back after its load: the rows the recorder stored for this run's message
// ids (waiting, within a bound, for it to drain), and every copy of the run's answers in the
// answers stream, to find any question stored twice.

import { type Consumer, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createConnection } from 'mysql2/promise';
import { SandboxError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
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
async function streamLastSeq(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc, { timeout: 5000 });
  return (await jsm.streams.info(ANSWERS_STREAM)).state.last_seq;
}

/**
 * The answers stream's last sequence once it answers. `status` being OK says the meta group has a
 * leader, not that every stream has elected one: right after stage 06 restarted the servers the
 * stream may take a few seconds more (a drill once timed out asking here).
 */
export async function answeringStreamLastSeq(nc: NatsConnection, timeoutMs: number): Promise<number> {
  const r = await poll({ timeoutMs, intervalMs: 500, attempt: () => streamLastSeq(nc) });
  if (r.value !== undefined) return r.value;
  throw new SandboxError(
    `the ${ANSWERS_STREAM} stream did not answer within ${Math.round(timeoutMs / 1000)}s (${r.lastError ?? 'no answer'})\nfix: ${commandHint('status')} says what is wrong; stage 07 makes the stream again`,
  );
}

/**
 * Copies of each message id starting with one of `runIds` in the answers stream after `afterSeq`
 * (headers only: the id is all that is needed), read through to the stream's last sequence now.
 * A read that cannot reach it within `timeoutMs` throws: an incomplete read would hide copies.
 */
export async function streamCopies(
  nc: NatsConnection,
  afterSeq: number,
  runIds: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, number>> {
  const prefixes = runIds.map((id) => `${id}.`);
  const copies = new Map<string, number>();
  let lastSeq: number | undefined;
  let consumer: Consumer | undefined;
  let last = afterSeq;
  // Right after a fault the JetStream API may not answer yet, and the ordered consumer recreates
  // itself after a hiccup (a batch comes back short or empty): every step is retried in the bound.
  const done = await poll({
    timeoutMs,
    intervalMs: 100,
    attempt: async () => {
      lastSeq ??= await streamLastSeq(nc);
      if (last >= lastSeq) return true;
      consumer ??= await jetstream(nc, { timeout: 5000 }).consumers.get(ANSWERS_STREAM, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: last + 1,
        headers_only: true,
      });
      const batch = await consumer.fetch({ max_messages: Math.min(1000, lastSeq - last), expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        // A recreated consumer never repeats a sequence; this guards the count if it did.
        if (m.seq <= last) continue;
        last = m.seq;
        const id = m.headers?.get('Nats-Msg-Id') ?? '';
        if (prefixes.some((p) => id.startsWith(p))) copies.set(id, (copies.get(id) ?? 0) + 1);
      }
      if (last >= lastSeq) return true;
      if (!got) {
        // Nothing came. Nothing pending: the sequences left were deleted, nothing more to read.
        // Something pending: a consumer stuck after a fault; a new one goes on from where this stopped.
        const pending = await consumer.info().then(
          (i) => i.num_pending,
          () => undefined,
        );
        if (pending === 0) return true;
        consumer = undefined;
      }
      return undefined;
    },
  });
  if (!done.value) {
    throw new Error(
      `read the answers stream only up to sequence ${last} of ${lastSeq ?? '?'}${done.lastError ? ` (${done.lastError})` : ''}`,
    );
  }
  return copies;
}
