// The requester: every round sends two random numbers to all four operations and publishes each
// answer into JetStream with a message id, so a retried publish is stored once. Asking and
// publishing overlap: askers hand answers to a bounded window of publishes awaiting their ack
// and ask the next question at once; a full window makes them wait. Questions are made as they
// are asked, so a run of any length fits in memory.

import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { nuid } from '@nats-io/transport-node';
import { SIGNIFICANT_SUBJECT, THROWAWAY_SUBJECT } from '../../nats/jetstream/spec.js';
import { OPERATIONS, subjectOf } from '../math/operations.js';
import { type MathResponse, type OperationName, validators } from '../schemas.js';
import { type PublishFn, PublishWindow } from './publish-window.js';
import { isSignificant, LatencySample, latencySummary, type Summary, seededRandom } from './stats.js';

export const DEFAULT_WINDOW = 256;

/**
 * Tries per publish: with backoffMs's pauses (about 8.5 s in all, plus each try's own wait), enough
 * to ride out a stream or meta leader election, which a killed leader costs several seconds of.
 */
export const DEFAULT_PUBLISH_ATTEMPTS = 12;

export interface RequesterOptions {
  count: number;
  concurrency: number;
  seed?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts per request when nobody answers in time (the operations are idempotent). */
  attempts?: number;
  /** Distinguishes this run's message ids from earlier runs'. */
  runId?: string;
  /** Most publishes awaiting their ack at once (default 256). */
  window?: number;
  /** Tries per publish, all with the same message id (default DEFAULT_PUBLISH_ATTEMPTS). */
  publishAttempts?: number;
  /** Publishes one answer; js.publish with the message id unless a test says otherwise. */
  publish?: PublishFn;
  onError?: (what: string) => void;
  /** Stop asking new questions once aborted (a load bounded by time, not by count); asked ones finish. */
  signal?: AbortSignal;
  /**
   * Stop asking once this many publishes in a row failed for good (every retry spent, none acked
   * in between): the stream cannot take answers (its store full, no leader, no JetStream
   * reachable), and asking on would only fail the same way. Unset: never (a drill's load rides
   * out its fault).
   */
  giveUpAfter?: number;
  /** Told of every answer as it arrives, with the message id its publish carries. */
  onAnswer?: (answer: MathResponse, msgID: string, t: Task) => void;
}

export interface RunResult {
  summary: Summary;
  /** Failures by code: service error codes, 'timeout', 'no-responders', 'publish'. */
  failures: Record<string, number>;
  elapsedMs: number;
  /** Most publishes that awaited their ack at once. */
  peakWindow: number;
  /** Why the run stopped asking before its count (giveUpAfter), in words. */
  gaveUp?: string;
  /** Message ids of the significant answers whose publish was acknowledged. */
  ackedSignificant: string[];
}

/**
 * A publish error in words a user can act on. nats.js calls a JetStream API that nobody answers
 * "jetstream is not enabled", but on a sandbox whose JetStream was working that means no server
 * of the stream answered: its leader unreachable, or the servers refusing it (a full store).
 */
export function publishErrorText(e: Error): string {
  const text = e.message;
  if (/jetstream is not enabled|no responders|503/i.test(text) || e.name === 'NoRespondersError')
    return `no JetStream server answered the publish (no responders): the stream has no reachable leader, or its servers refuse it (a full store: status says which)`;
  if (/insufficient resources|maximum.*(bytes|messages)|storage/i.test(text))
    return `the stream refused the publish: ${text} (its store is full)`;
  return text;
}

export interface Task {
  round: number;
  op: OperationName;
  first: number;
  second: number;
}

/** The questions of a run, made one at a time as they are asked. */
export function* questions(count: number, seed: number): Generator<Task> {
  const random = seededRandom(seed);
  for (let round = 0; round < count; round++) {
    // Whole numbers 1..100: readable answers, never a 0 divisor (bad input is tested on its own).
    const first = 1 + Math.floor(random() * 100);
    const second = 1 + Math.floor(random() * 100);
    for (const op of OPERATIONS) yield { round, op: op.name, first, second };
  }
}

export function plannedTasks(count: number, seed: number): Task[] {
  return [...questions(count, seed)];
}

/** The message id of an answer: unique per run, the same for every retry of its publish. */
export function answerMsgId(runId: string, t: Task): string {
  return `${runId}.${t.round}.${t.op}`;
}

class RetryableError extends Error {}

function serviceErrorCode(m: Msg): string | undefined {
  return m.headers?.get('Nats-Service-Error-Code') || undefined;
}

async function ask(
  nc: NatsConnection,
  t: Task,
  timeoutMs: number,
  attempts: number,
): Promise<MathResponse | { code: string; description: string }> {
  let lastCode = 'timeout';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const m = await nc.request(subjectOf(t.op), JSON.stringify({ first: t.first, second: t.second }), { timeout: timeoutMs });
      const code = serviceErrorCode(m);
      if (code) return { code, description: m.headers?.get('Nats-Service-Error') ?? '' };
      const body = m.json<unknown>();
      if (!validators.response(body)) return { code: 'bad-response', description: 'the response does not match the response schema' };
      return body;
    } catch (e) {
      const name = (e as Error).name;
      const text = (e as Error).message;
      lastCode =
        /no responders/i.test(text) || name === 'NoRespondersError'
          ? 'no-responders'
          : /timeout/i.test(text) || name === 'TimeoutError'
            ? 'timeout'
            : 'request-failed';
      if (lastCode === 'request-failed') throw e;
      if (attempt < attempts) await sleep(50 * attempt);
    }
  }
  throw new RetryableError(lastCode);
}

/** js.publish with the answer's message id; resolves on the stream's ack. One try: the window retries. */
function jetstreamPublish(nc: NatsConnection): PublishFn {
  const js = jetstream(nc);
  return (m) => js.publish(m.subject, m.data, { msgID: m.msgID, timeout: 5000 });
}

export async function runRequester(nc: NatsConnection, opts: RequesterOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const attempts = opts.attempts ?? 3;
  const runId = opts.runId ?? nuid.next();
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const total = opts.count * OPERATIONS.length;
  const tasks = questions(opts.count, seed);
  const publish = opts.publish ?? jetstreamPublish(nc);
  const window = new PublishWindow(publish, {
    size: opts.window ?? DEFAULT_WINDOW,
    attempts: opts.publishAttempts ?? DEFAULT_PUBLISH_ATTEMPTS,
  });
  const latencies = new LatencySample();
  const byRegion: Record<string, number> = {};
  const failures: Record<string, number> = {};
  const published = { significant: 0, throwaway: 0 };
  const ackedSignificant: string[] = [];
  let ok = 0;
  let asked = 0;
  // Publishes in a row that failed for good, and the last one's cause: the run gives up on it.
  let failedInRow = 0;
  let gaveUp: string | undefined;
  const fail = (code: string, what: string) => {
    failures[code] = (failures[code] ?? 0) + 1;
    opts.onError?.(what);
  };
  const started = performance.now();
  const asker = async () => {
    for (let next = tasks.next(); !next.done && !opts.signal?.aborted && !gaveUp; next = tasks.next()) {
      const t = next.value;
      asked++;
      const t0 = performance.now();
      let answer: MathResponse;
      try {
        const r = await ask(nc, t, timeoutMs, attempts);
        if ('code' in r) {
          fail(r.code, `${t.op}(${t.first}, ${t.second}): error ${r.code} ${r.description}`);
          continue;
        }
        answer = r;
      } catch (e) {
        const code = e instanceof RetryableError ? e.message : 'request-failed';
        fail(
          code,
          `${t.op}(${t.first}, ${t.second}): ${e instanceof RetryableError ? `${code} after ${attempts} attempts` : (e as Error).message}`,
        );
        continue;
      }
      latencies.add(performance.now() - t0);
      ok++;
      byRegion[answer.region] = (byRegion[answer.region] ?? 0) + 1;
      const kind = isSignificant(answer.result) ? 'significant' : 'throwaway';
      const msgID = answerMsgId(runId, t);
      opts.onAnswer?.(answer, msgID, t);
      // Waits only while the window is full; the ack is counted when it comes.
      await window.send(
        { subject: kind === 'significant' ? SIGNIFICANT_SUBJECT : THROWAWAY_SUBJECT, data: JSON.stringify(answer), msgID },
        (o) => {
          if (o.ok) {
            published[kind]++;
            if (kind === 'significant') ackedSignificant.push(msgID);
            failedInRow = 0;
            return;
          }
          const why = publishErrorText(o.error);
          fail('publish', `publish ${t.op} of round ${t.round} (${msgID}) after ${o.attempts} attempts: ${why}`);
          if (opts.giveUpAfter && ++failedInRow >= opts.giveUpAfter && !gaveUp)
            gaveUp = `stopped asking: ${failedInRow} publishes in a row failed after every retry, none acknowledged since: ${why}`;
        },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, total)) }, asker));
  await window.drain();
  const requestFailures = Object.entries(failures)
    .filter(([k]) => k !== 'publish')
    .reduce((a, [, n]) => a + n, 0);
  return {
    // The questions asked: all of them unless the signal stopped the run early.
    summary: { requests: asked, ok, errors: requestFailures, byRegion, latencyMs: latencySummary(latencies.kept), published, failures },
    failures,
    elapsedMs: performance.now() - started,
    peakWindow: window.peak,
    ackedSignificant,
    ...(gaveUp ? { gaveUp } : {}),
  };
}
