// The drill's load: the requester of services/ asking from every region at once, in this process,
// as the requester user on each region's seed servers, until it is told to stop. It keeps what
// the report needs: when answers came and from where, and which publishes the stream acknowledged.

import { jetstream, type PubAck } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { SIGNIFICANT_SUBJECT } from '../../../nats/jetstream/spec.js';
import type { PublishFn } from '../../../services/requester/publish-window.js';
import { runRequester } from '../../../services/requester/run.js';
import type { RegionLoad } from './report.js';

export interface LoadRegion {
  region: string;
  connection: ConnectionOptions;
  /** Stop asking once the connection is closed for good (a revoked user's: refused on every reconnect). */
  endsWhenClosed?: boolean;
}

export interface LoadOptions {
  regions: LoadRegion[];
  concurrency: number;
  seed: number;
  /** Prefix of this drill's message ids: `<runPrefix>-<region>.<round>.<op>`. */
  runPrefix: string;
  onError?: (region: string, what: string) => void;
}

export interface RunningLoad {
  /** Message id prefix (run id) of each asking region. */
  runIds: Record<string, string>;
  /** Stop asking; the questions in flight finish. */
  stop(): void;
  /** Every region's record, once asking stopped and every publish has its ack or failed. */
  done: Promise<{ regions: RegionLoad[]; acked: string[]; ackedSignificant: string[]; loadMs: number }>;
}

interface Recorder {
  load: RegionLoad;
  acked: string[];
  ackedSignificant: string[];
}

/** js.publish with the message id, noting each ack (a retry the stream already had says duplicate). */
function recordingPublish(nc: NatsConnection, r: Recorder): PublishFn {
  const js = jetstream(nc);
  return async (m) => {
    const ack: PubAck = await js.publish(m.subject, m.data, { msgID: m.msgID, timeout: 5000 });
    if (ack.duplicate) r.load.dedupedAcks++;
    r.acked.push(m.msgID);
    if (m.subject === SIGNIFICANT_SUBJECT) {
      r.load.acked.significant++;
      r.ackedSignificant.push(m.msgID);
    } else r.load.acked.throwaway++;
    return ack;
  };
}

/** Aborts once `nc` is closed for good. */
function closedSignal(nc: NatsConnection): AbortSignal {
  const closed = new AbortController();
  void nc.closed().then(() => closed.abort());
  return closed.signal;
}

/** Connect every region (all must answer before the drill faults anything), then start asking. */
export async function startLoad(opts: LoadOptions): Promise<RunningLoad> {
  const connections: NatsConnection[] = [];
  try {
    for (const r of opts.regions) {
      // Reconnect for as long as it takes: a lost region's requester comes back with its servers.
      connections.push(
        await connect({ ...r.connection, timeout: 5000, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 2000 }),
      );
    }
  } catch (e) {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    throw new SandboxError(
      `the drill's requester could not connect to region ${opts.regions[connections.length]?.region}: ${(e as Error).message}\nfix: ${commandHint('status')} says what is wrong`,
    );
  }
  const stop = new AbortController();
  const started = performance.now();
  const runIds = Object.fromEntries(opts.regions.map((r) => [r.region, `${opts.runPrefix}-${r.region}`]));
  const runs = opts.regions.map(async (r, i) => {
    const nc = connections[i]!;
    const rec: Recorder = {
      load: {
        region: r.region,
        sent: 0,
        answered: 0,
        failures: {},
        answerTimesMs: [],
        answeredBy: {},
        acked: { significant: 0, throwaway: 0 },
        dedupedAcks: 0,
      },
      acked: [],
      ackedSignificant: [],
    };
    const result = await runRequester(nc, {
      runId: runIds[r.region]!,
      // Bounded by the signal, not by a count.
      count: Number.MAX_SAFE_INTEGER,
      concurrency: opts.concurrency,
      seed: opts.seed + i,
      // Short attempts: a silence shows in the gaps, not in one long wait.
      timeoutMs: 1000,
      attempts: 2,
      // A closed connection fails every question at once: asking on would only spin.
      signal: r.endsWhenClosed ? AbortSignal.any([stop.signal, closedSignal(nc)]) : stop.signal,
      publish: recordingPublish(nc, rec),
      onAnswer: (answer) => {
        rec.load.answerTimesMs.push(performance.now() - started);
        rec.load.answeredBy[answer.region] = (rec.load.answeredBy[answer.region] ?? 0) + 1;
      },
      ...(opts.onError ? { onError: (what: string) => opts.onError?.(r.region, what) } : {}),
    });
    rec.load.sent = result.summary.requests;
    rec.load.answered = result.summary.ok;
    rec.load.failures = result.failures;
    return rec;
  });
  const done = Promise.all(runs)
    .then((recs) => ({
      regions: recs.map((x) => x.load),
      acked: recs.flatMap((x) => x.acked),
      ackedSignificant: recs.flatMap((x) => x.ackedSignificant),
      loadMs: performance.now() - started,
    }))
    .finally(() => Promise.all(connections.map((c) => c.close().catch(() => undefined))));
  return { runIds, stop: () => stop.abort(), done };
}
