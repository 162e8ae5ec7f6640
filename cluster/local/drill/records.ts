// What the drill reads back after its load: the rows the recorder stored for this run's message
// ids (waiting, within a bound, for it to drain), and every copy of the run's answers in the
// answers stream, to find any question stored twice, through the leader and from each replica's
// own copy of the stream.

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AckPolicy, type Consumer, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
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

/** Which stream a read is of: its name, and its JetStream domain when not the connection's own. */
export interface StreamRef {
  stream: string;
  domain?: string;
}

const ANSWERS: StreamRef = { stream: ANSWERS_STREAM };

/** A stream's last sequence: the drill's own messages come after it. */
export async function streamLastSeq(nc: NatsConnection, ref: StreamRef = ANSWERS): Promise<number> {
  const jsm = await jetstreamManager(nc, { timeout: 5000, ...(ref.domain ? { domain: ref.domain } : {}) });
  return (await jsm.streams.info(ref.stream)).state.last_seq;
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

/** What the read-back needs of the answers stream: its last sequence, and readers from a sequence on. */
export interface AnswersReader {
  lastSeq(): Promise<number>;
  /** A reader of headers from `startSeq` on: batches of (sequence, message id), and what it has left. */
  open(startSeq: number): Promise<{
    fetch(max: number): Promise<AsyncIterable<{ seq: number; id: string }>>;
    pending(): Promise<number | undefined>;
    /** Removes what open made, when it is not cleaned up by itself (an ordered consumer is). */
    close?(): Promise<void>;
  }>;
}

/**
 * A stream through JetStream: an ordered consumer, headers only (the id is all that is needed);
 * `filter`: the subject of the run's messages, where the stream holds others too.
 */
export function streamReader(nc: NatsConnection, ref: StreamRef, filter?: string): AnswersReader {
  return {
    lastSeq: () => streamLastSeq(nc, ref),
    async open(startSeq) {
      const js = jetstream(nc, { timeout: 5000, ...(ref.domain ? { domain: ref.domain } : {}) });
      const consumer: Consumer = await js.consumers.get(ref.stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: startSeq,
        headers_only: true,
        ...(filter ? { filter_subjects: [filter] } : {}),
      });
      return idsOf(consumer);
    },
  };
}

/** The answers stream, read as streamReader reads. */
export const answersReader = (nc: NatsConnection): AnswersReader => streamReader(nc, ANSWERS);

/** Batches of (sequence, message id) from a consumer, and what it has left (asked of the server). */
function idsOf(consumer: Consumer): Omit<Awaited<ReturnType<AnswersReader['open']>>, 'close'> {
  return {
    async fetch(max) {
      const batch = await consumer.fetch({ max_messages: max, expires: 2000 });
      return (async function* () {
        for await (const m of batch) yield { seq: m.seq, id: m.headers?.get('Nats-Msg-Id') ?? '' };
      })();
    },
    pending: () =>
      consumer.info().then(
        (i) => i.num_pending,
        () => undefined,
      ),
  };
}

/**
 * A reader of the copy of the answers stream that `server` holds. An R1 consumer is placed on a
 * random replica and reads that replica's own copy (createGroupForConsumer,
 * nats-server server/jetstream_cluster.go), so consumers are made until one lands on `server`,
 * and those that land elsewhere are deleted. Reads through the leader only would judge the
 * leader's copy, and a copy that disagrees shows when it leads.
 */
export function copyReader(nc: NatsConnection, server: string, tries = 30): AnswersReader {
  return {
    lastSeq: () => streamLastSeq(nc),
    async open(startSeq) {
      const jsm = await jetstreamManager(nc, { timeout: 5000 });
      let placed: string | undefined;
      for (let i = 0; i < tries && !placed; i++) {
        const info = await jsm.consumers.add(ANSWERS_STREAM, {
          ack_policy: AckPolicy.None,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: startSeq,
          headers_only: true,
          mem_storage: true,
          num_replicas: 1,
          inactive_threshold: 30 * 1e9,
        });
        let where = info.cluster?.leader;
        for (let look = 0; !where && look < 20; look++) {
          await sleep(50);
          where = (await jsm.consumers.info(ANSWERS_STREAM, info.name)).cluster?.leader;
        }
        if (where === server) placed = info.name;
        else await jsm.consumers.delete(ANSWERS_STREAM, info.name).catch(() => undefined);
      }
      if (!placed) throw new Error(`no consumer landed on ${server} in ${tries} tries (is it a replica of ${ANSWERS_STREAM}, and online?)`);
      const name = placed;
      const consumer = await jetstream(nc, { timeout: 5000 }).consumers.get(ANSWERS_STREAM, name);
      return {
        ...idsOf(consumer),
        close: () =>
          jsm.consumers.delete(ANSWERS_STREAM, name).then(
            () => undefined,
            () => undefined,
          ),
      };
    },
  };
}

/** A fingerprint of what a read saw: each of the run's sequences with its message id, in order. */
export function readDigest(): { add(seq: number, id: string): void; value(): string } {
  const h = createHash('sha256');
  return {
    add: (seq, id) => h.update(`${seq} ${id}\n`),
    value: () => h.digest('hex').slice(0, 16),
  };
}

/**
 * Copies of each message id starting with one of `runIds` in the answers stream after `afterSeq`,
 * read through to the stream's last sequence now. A read that cannot reach it within `timeoutMs`
 * throws: an incomplete read would hide copies.
 */
export async function streamCopies(
  reader: AnswersReader,
  afterSeq: number,
  runIds: readonly string[],
  timeoutMs = 60_000,
  /** Called with each of the run's messages read, in order. */
  onRead?: (seq: number, id: string) => void,
): Promise<Map<string, number>> {
  const prefixes = runIds.map((id) => `${id}.`);
  const copies = new Map<string, number>();
  let lastSeq: number | undefined;
  let consumer: Awaited<ReturnType<AnswersReader['open']>> | undefined;
  let last = afterSeq;
  // Right after a fault the JetStream API may not answer yet, and the ordered consumer recreates
  // itself after a hiccup (a batch comes back short or empty): every step is retried in the bound.
  const done = await poll({
    timeoutMs,
    intervalMs: 100,
    attempt: async () => {
      lastSeq ??= await reader.lastSeq();
      if (last >= lastSeq) return true;
      consumer ??= await reader.open(last + 1);
      let got = 0;
      try {
        for await (const m of await consumer.fetch(Math.min(1000, lastSeq - last))) {
          got++;
          // A recreated consumer never repeats a sequence; this guards the count if it did.
          if (m.seq <= last) continue;
          last = m.seq;
          if (prefixes.some((p) => m.id.startsWith(p))) {
            copies.set(m.id, (copies.get(m.id) ?? 0) + 1);
            onRead?.(m.seq, m.id);
          }
        }
      } catch (e) {
        // The consumer lived on a server that went away with the fault (no responders): every
        // later fetch of it fails the same way. The next try makes a new one from where this stopped.
        await consumer.close?.();
        consumer = undefined;
        throw e;
      }
      if (last >= lastSeq) return true;
      if (!got) {
        // Nothing came. Nothing pending: the sequences left were deleted, nothing more to read.
        // Something pending: a consumer stuck after a fault; a new one goes on from where this stopped.
        if ((await consumer.pending()) === 0) return true;
        await consumer.close?.();
        consumer = undefined;
      }
      return undefined;
    },
  }).finally(() => consumer?.close?.());
  if (!done.value) {
    throw new Error(
      `read the answers stream only up to sequence ${last} of ${lastSeq ?? '?'}${done.lastError ? ` (${done.lastError})` : ''}`,
    );
  }
  return copies;
}

/** One replica's copy of the run's answers, read from that copy itself. */
export interface CopyRead {
  server: string;
  /** Copies of each of the run's message ids in it (undefined: it could not be read). */
  copies?: Map<string, number>;
  /** readDigest of the run's (sequence, id) pairs in it: equal copies have equal digests. */
  digest?: string;
  error?: string;
}

/** Each replica's copy read back in turn (a copy that cannot be read says why). */
export async function readEveryCopy(
  readerOf: (server: string) => AnswersReader,
  servers: readonly string[],
  afterSeq: number,
  runIds: readonly string[],
  timeoutMs = 60_000,
): Promise<CopyRead[]> {
  const out: CopyRead[] = [];
  for (const server of servers) {
    const digest = readDigest();
    try {
      const copies = await streamCopies(readerOf(server), afterSeq, runIds, timeoutMs, digest.add);
      out.push({ server, copies, digest: digest.value() });
    } catch (e) {
      out.push({ server, error: (e as Error).message });
    }
  }
  return out;
}
