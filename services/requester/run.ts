// The requester: every round sends two random numbers to all four operations and publishes each
// answer into JetStream with a message id, so a retried publish is stored once.

import { setTimeout as sleep } from 'node:timers/promises';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { nuid } from '@nats-io/transport-node';
import { SIGNIFICANT_SUBJECT, THROWAWAY_SUBJECT } from '../../nats/jetstream/spec.js';
import { OPERATIONS, subjectOf } from '../math/operations.js';
import { type MathResponse, type OperationName, validators } from '../schemas.js';
import { isSignificant, latencySummary, type Summary, seededRandom } from './stats.js';

export interface RequesterOptions {
  count: number;
  concurrency: number;
  seed?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts per request when nobody answers in time (the operations are idempotent). */
  attempts?: number;
  /** Distinguishes this run's message ids from earlier runs' inside the duplicate window. */
  runId?: string;
  onError?: (what: string) => void;
}

export interface RunResult {
  summary: Summary;
  /** Failures by code: service error codes, 'timeout', 'no-responders', 'publish'. */
  failures: Record<string, number>;
  elapsedMs: number;
}

interface Task {
  round: number;
  op: OperationName;
  first: number;
  second: number;
}

export function plannedTasks(count: number, seed: number): Task[] {
  const random = seededRandom(seed);
  const tasks: Task[] = [];
  for (let round = 0; round < count; round++) {
    // Whole numbers 1..100: readable answers, never a 0 divisor (bad input is tested on its own).
    const first = 1 + Math.floor(random() * 100);
    const second = 1 + Math.floor(random() * 100);
    for (const op of OPERATIONS) tasks.push({ round, op: op.name, first, second });
  }
  return tasks;
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

async function publishAnswer(js: JetStreamClient, answer: MathResponse, msgID: string): Promise<'significant' | 'throwaway'> {
  const kind = isSignificant(answer.result) ? 'significant' : 'throwaway';
  await js.publish(kind === 'significant' ? SIGNIFICANT_SUBJECT : THROWAWAY_SUBJECT, JSON.stringify(answer), {
    msgID,
    retries: 5,
    timeout: 5000,
  });
  return kind;
}

export async function runRequester(nc: NatsConnection, opts: RequesterOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const attempts = opts.attempts ?? 3;
  const runId = opts.runId ?? nuid.next();
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const tasks = plannedTasks(opts.count, seed);
  const js = jetstream(nc);
  const latencies: number[] = [];
  const byRegion: Record<string, number> = {};
  const failures: Record<string, number> = {};
  const published = { significant: 0, throwaway: 0 };
  let ok = 0;
  const fail = (code: string, what: string) => {
    failures[code] = (failures[code] ?? 0) + 1;
    opts.onError?.(what);
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const t = tasks[next++]!;
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
      latencies.push(performance.now() - t0);
      ok++;
      byRegion[answer.region] = (byRegion[answer.region] ?? 0) + 1;
      try {
        published[await publishAnswer(js, answer, `${runId}.${t.round}.${t.op}`)]++;
      } catch (e) {
        fail('publish', `publish ${t.op} of round ${t.round}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, tasks.length)) }, worker));
  const requestFailures = Object.entries(failures)
    .filter(([k]) => k !== 'publish')
    .reduce((a, [, n]) => a + n, 0);
  return {
    summary: { requests: tasks.length, ok, errors: requestFailures, byRegion, latencyMs: latencySummary(latencies), published },
    failures,
    elapsedMs: performance.now() - started,
  };
}
