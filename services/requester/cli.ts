// The requester's command line: `scripts/request.mjs --from c1 --count 100 [--concurrency 8]
// [--seed 42] [--json]` and the Kubernetes Job (same code). In a pod it connects to NATS_URL; on
// this machine the caller (scripts/lib/commands/request.ts) says where the local sandbox's region is.
import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, connect } from '@nats-io/transport-node';
import { errorText, exitCode, UsageError } from '../../core/errors.js';
import { flag, flagHelp, type OptionsOf, parseFlags } from '../../core/flags.js';
import { commandHint } from '../../core/hint.js';
import { log, setQuiet } from '../../core/log.js';
import { poll } from '../../core/poll.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { AnswersDb } from '../recorder/db.js';
import { parseMysqlUrl } from '../recorder/mysql-url.js';
import { TABLE } from '../recorder/rows.js';
import { DEFAULT_WINDOW, type RunResult, runRequester } from './run.js';

export const DEFAULT_RECORD_WAIT_S = 15;

/** The requester's flags: the same on this machine (scripts/request.mjs) and in the Job. */
export const REQUEST_FLAGS = {
  from: flag.text('CLUSTER', 'region to ask from (its seed servers; local sandbox), required'),
  count: flag.number('N', 'rounds; every round asks all four operations (default 100)', { fallback: 100 }),
  concurrency: flag.number('N', 'requests in flight (default 8)', { fallback: 8 }),
  window: flag.number(
    'N',
    `publishes awaiting their JetStream ack at once (default ${DEFAULT_WINDOW}); asking goes on meanwhile and waits only while the window is full`,
    {
      fallback: DEFAULT_WINDOW,
    },
  ),
  seed: flag.number('N', 'seed for the random numbers (default: random)', { min: 0, fallback: undefined }),
  'timeout-ms': flag.number('N', 'time limit per request attempt (default 2000)', { fallback: 2000 }),
  'record-wait': flag.number(
    'SECONDS',
    `seconds to wait for the recorder to store every significant answer of the run in MySQL (default ${DEFAULT_RECORD_WAIT_S}; 0: do not check); checked when the sandbox has a recorder database (MYSQL_URL or the private MariaDB)`,
    { min: 0, fallback: DEFAULT_RECORD_WAIT_S },
  ),
  json: flag.boolean('print { requests, ok, errors, byRegion, latencyMs, published, failures, recorded? } only'),
};

export const REQUEST_SUMMARY =
  'Ask the math services from one region and publish every answer into JetStream. Connects as the requester user of the local sandbox (SANDBOX_DIR), or to NATS_URL with NATS_USER/NATS_PASSWORD/NATS_TLS_DIR when NATS_URL is set (the Kubernetes Job). Exit code 1 when any request or publish failed, or when the significant answers of the run are not all recorded within --record-wait.';

/** Bad requester input: exit 2. */
export class RequestUsageError extends UsageError {}

export interface RequestArgs {
  from: string;
  count: number;
  concurrency: number;
  window: number;
  seed?: number;
  timeoutMs: number;
  /** Seconds to wait for the run's answers in MySQL; 0: do not check. */
  recordWaitS: number;
  json: boolean;
}

/** The run the flags ask for; --from is required. */
export function requestArgs(o: OptionsOf<typeof REQUEST_FLAGS>): RequestArgs {
  if (!o.from) throw new RequestUsageError('--from <cluster> is required, e.g. --from c1');
  return {
    from: o.from,
    count: o.count,
    concurrency: o.concurrency,
    window: o.window,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    timeoutMs: o['timeout-ms'],
    recordWaitS: o['record-wait'],
    json: o.json,
  };
}

/** Where the requester connects and which MySQL it checks, when NATS_URL does not say. */
export interface RequestTarget {
  connection: ConnectionOptions;
  mysqlUrl?: string;
  /** A fault of the sandbox that every request would run into (the WAN router down), in words with its fix. */
  underlyingFault?: () => string | undefined;
}

export type LocalTarget = (args: RequestArgs) => RequestTarget;

/** NATS_URL when set (the Kubernetes Job), else the local sandbox's region as `local` finds it. */
function targetFor(args: RequestArgs, env: NodeJS.ProcessEnv, local?: LocalTarget): RequestTarget {
  if (env.NATS_URL) return { connection: connectionFromEnv(env, `requester-${args.from}`) };
  if (!local) throw new RequestUsageError('NATS_URL is not set (comma-separated nats:// URLs of the servers to ask)');
  return local(args);
}

export function summaryText(r: RunResult): string {
  const s = r.summary;
  const regions =
    Object.entries(s.byRegion)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const failures = Object.entries(r.failures)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `requests ${s.requests}, answered ${s.ok}, errors ${s.errors}${failures ? ` (${failures})` : ''}`,
    `answers per region: ${regions}`,
    `latency p50 ${s.latencyMs.p50}ms, p90 ${s.latencyMs.p90}ms, p99 ${s.latencyMs.p99}ms; ${Math.round((s.requests / r.elapsedMs) * 1000)} requests/s`,
    `published: significant ${s.published.significant}, throwaway ${s.published.throwaway}`,
  ].join('\n');
}

/** What MySQL holds of the run's acknowledged significant answers once the recorder caught up (or the wait ran out). */
export interface Recorded {
  /** Significant answers whose publish the stream acknowledged. */
  expected: number;
  /** Of those, the ones with their row. */
  stored: number;
  /** Rows of the run whose publish never got its ack (stored all the same; MySQL is unique on the id). */
  unacked: number;
  complete: boolean;
  /** Why the table could not be read. */
  error?: string;
}

/**
 * What the recorder stored of this run, once it has caught up (or after `waitMs`): the proof that
 * every acknowledged significant answer reached MySQL exactly once, by message id.
 */
async function waitRecorded(url: string, runId: string, acked: readonly string[], waitMs: number): Promise<Recorded> {
  const db = new AnswersDb(parseMysqlUrl(url));
  const want = new Set(acked);
  try {
    let keys: string[] = [];
    const r = await poll({
      timeoutMs: waitMs,
      intervalMs: 100,
      attempt: async () => {
        keys = await db.keys(`${runId}.`);
        return keys.filter((k) => want.has(k)).length >= want.size ? keys : undefined;
      },
    });
    // A read that failed every time is an error to report, not "0 stored".
    if (r.value === undefined && r.lastError && !keys.length) throw new Error(r.lastError);
    const stored = keys.filter((k) => want.has(k)).length;
    return { expected: want.size, stored, unacked: keys.length - stored, complete: stored === want.size };
  } catch (e) {
    return { expected: want.size, stored: 0, unacked: 0, complete: false, error: (e as Error).message };
  } finally {
    await db.close();
  }
}

export function recordedText(r: Recorded, database: string, waitS: number): string {
  if (r.error) return `recorded in MySQL: could not read ${database}.${TABLE} (${r.error})`;
  const extra = r.unacked ? ` (and ${r.unacked} whose publish never got its ack: stored all the same, once each)` : '';
  const line = `recorded in MySQL ${database}.${TABLE}: ${r.stored} of this run's ${r.expected} acknowledged significant answers${extra}`;
  if (r.complete) return line;
  return `${line}; within ${waitS}s ${r.expected - r.stored} not stored (is the recorder running? \`${commandHint('status')}\` names it; a longer --record-wait gives it more time)`;
}

/** The Job's entry (services/main.ts): parse, then run. */
export async function requestMain(argv: string[], env: NodeJS.ProcessEnv = process.env, local?: LocalTarget): Promise<number> {
  try {
    const parsed = parseFlags(REQUEST_FLAGS, argv, "run 'request --help' for the flags it takes");
    if (parsed.help) {
      process.stdout.write(
        `${REQUEST_SUMMARY}\n\nusage: request --from <cluster> [flags]\n\nflags:\n${flagHelp(REQUEST_FLAGS).join('\n')}\n`,
      );
      return 0;
    }
    if (parsed.positionals.length)
      throw new RequestUsageError(`request takes no positional arguments; got ${parsed.positionals.join(' ')}`);
    return await runRequest(requestArgs(parsed.options), env, local);
  } catch (e) {
    log.error(errorText(e));
    return exitCode(e);
  }
}

/** Publishes in a row that may fail for good before the run stops asking (see RequesterOptions). */
const GIVE_UP_AFTER = 32;
/** Failure lines printed in full; the rest are counted in the summary. */
const ERROR_LINES = 10;

/** Says the first failures, then once that the rest are only counted: a broken stream is not 6,000 lines. */
function errorLines(): (what: string) => void {
  let said = 0;
  return (what) => {
    said++;
    if (said <= ERROR_LINES) log.warn(what);
    if (said === ERROR_LINES) log.warn(`(further failures are counted in the summary, not printed)`);
  };
}

/**
 * The first SIGINT or SIGTERM stops asking (the questions asked finish, get their summary and the
 * MySQL check); a second one leaves at once.
 */
function stopOnSignal(): { signal: AbortSignal; readonly by: NodeJS.Signals | undefined; dispose(): void } {
  const controller = new AbortController();
  let by: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (by) process.exit(130);
    by = sig;
    log.warn(`${sig}: finishing the requests under way, then the summary (again to leave at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** A run of the requester, its summary, and the check that MySQL has its significant answers. */
export async function runRequest(args: RequestArgs, env: NodeJS.ProcessEnv, local?: LocalTarget): Promise<number> {
  setQuiet(args.json);
  const target = targetFor(args, env, local);
  // Asking through a sandbox whose regions cannot reach each other fails every publish: say why at once.
  const fault = target.underlyingFault?.();
  if (fault) {
    log.error(`not asking: ${fault}`);
    return 1;
  }
  const nc = await connect({ ...target.connection, timeout: 5000 });
  const runId = randomUUID().slice(0, 8);
  const interrupted = stopOnSignal();
  let result: RunResult;
  try {
    result = await runRequester(nc, {
      signal: interrupted.signal,
      runId,
      count: args.count,
      concurrency: args.concurrency,
      window: args.window,
      timeoutMs: args.timeoutMs,
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      giveUpAfter: GIVE_UP_AFTER,
      onError: errorLines(),
    });
  } finally {
    interrupted.dispose();
    await nc.drain().catch(() => undefined);
  }
  if (interrupted.by)
    log.warn(
      `interrupted (${interrupted.by}): stopped asking after ${result.summary.requests} of ${args.count * 4} requests; the ones asked are below`,
    );
  if (!args.json) log.info(summaryText(result));
  if (result.gaveUp) {
    const cause = target.underlyingFault?.();
    log.error(`${result.gaveUp}${cause ? `\ncause: ${cause}` : ''}`);
  }
  const check = target.mysqlUrl && args.recordWaitS > 0;
  const recorded = check ? await waitRecorded(target.mysqlUrl!, runId, result.ackedSignificant, args.recordWaitS * 1000) : undefined;
  if (args.json)
    process.stdout.write(
      `${JSON.stringify({ ...result.summary, ...(recorded ? { recorded } : {}), ...(result.gaveUp ? { gaveUp: result.gaveUp } : {}) })}\n`,
    );
  if (recorded) {
    const text = recordedText(recorded, parseMysqlUrl(target.mysqlUrl!).database, args.recordWaitS);
    if (recorded.complete) log.info(text);
    else log.error(text);
  }
  const publishFailures = result.failures.publish ?? 0;
  if (interrupted.by) return 130;
  if (result.gaveUp) return 1;
  return result.summary.errors || publishFailures || (recorded && !recorded.complete) ? 1 : 0;
}
