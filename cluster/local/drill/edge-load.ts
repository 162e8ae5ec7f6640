// The load of the edge drills at the edge site itself: JetStream publishes into the edge's own
// stream, in its domain, each with a message id; then the read-back that store and forward kept
// its promise: every acknowledged publish in the edge's stream and in the hub's `edges` stream,
// each once, and how long the hub took to catch up after the fault was restored.

import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { poll } from '../../../core/poll.js';
import { EDGES_STREAM, edgeStreamName } from '../../../nats/edges.js';
import type { EdgeSite } from '../../../nats/topology.js';
import { streamCopies, streamLastSeq, streamReader } from './records.js';

/** How long one publish at the edge waits for its ack (the edge's own stream answers in ms). */
const PUBLISH_TIMEOUT_MS = 2000;

export interface EdgePublished {
  site: string;
  published: number;
  /** Message ids whose publish the edge's stream acknowledged. */
  acked: string[];
  failed: number;
  /** When each ack came, ms since the load started. */
  ackTimesMs: number[];
}

export interface RunningEdgeLoad {
  /** The subject every publish of the run went to (the read-back filters on it). */
  subject: string;
  runId: string;
  /** Where the run's messages begin in the edge's stream and in the hub's. */
  startSeq: { edge: number; hub: number };
  connection: NatsConnection;
  /** The ids acknowledged until now. */
  ackedSoFar(): string[];
  stop(): void;
  done: Promise<EdgePublished>;
}

/**
 * Publish into `edge`'s stream from a connection to the edge's own servers, `concurrency` at a
 * time, until stopped. A publish that fails is counted, not retried: only acks are promises.
 * `hub`: a connection to the supercluster, to note where the run begins in its `edges` stream.
 */
export async function startEdgeLoad(opts: {
  edge: EdgeSite;
  connection: ConnectionOptions;
  hub: NatsConnection;
  concurrency: number;
  runId: string;
  since: () => number;
}): Promise<RunningEdgeLoad> {
  const { edge, runId } = opts;
  let nc: NatsConnection;
  try {
    nc = await connect({ ...opts.connection, timeout: 5000, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 2000 });
  } catch (e) {
    throw new SandboxError(
      `the drill could not connect to edge site ${edge.name}: ${(e as Error).message}\nfix: ${commandHint('status')} says what is wrong`,
    );
  }
  const startSeq = {
    edge: await streamLastSeq(nc, { stream: edgeStreamName(edge.name), domain: edge.domain }),
    hub: await streamLastSeq(opts.hub, { stream: EDGES_STREAM }),
  };
  const js = jetstream(nc, { domain: edge.domain, timeout: PUBLISH_TIMEOUT_MS });
  const subject = `edge.${edge.name}.drill.${runId}`;
  const out: EdgePublished = { site: edge.name, published: 0, acked: [], failed: 0, ackTimesMs: [] };
  let stopped = false;
  let next = 0;
  const worker = async () => {
    while (!stopped) {
      const id = `${runId}.${next++}`;
      out.published++;
      try {
        await js.publish(subject, JSON.stringify({ id, at: Date.now() }), { msgID: id, timeout: PUBLISH_TIMEOUT_MS });
        out.acked.push(id);
        out.ackTimesMs.push(opts.since());
      } catch {
        out.failed++;
        await sleep(100); // the edge is down or restarting: do not spin
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, worker);
  return {
    subject,
    runId,
    startSeq,
    connection: nc,
    ackedSoFar: () => [...out.acked],
    stop: () => {
      stopped = true;
    },
    done: Promise.all(workers).then(() => out),
  };
}

export interface InHub {
  /** Copies of each of the run's ids in the hub's `edges` stream, at the last read. */
  inHub?: Map<string, number>;
  hubError?: string;
  /** When the hub held every id of `acked`, ms after the wait began (undefined: not within the time). */
  caughtUpAfterMs?: number;
}

/** Read the hub's `edges` stream until it holds every id of `acked` (the source catches up on its own) or `timeoutMs` passed. */
export async function waitInHub(load: RunningEdgeLoad, hub: NatsConnection, acked: readonly string[], timeoutMs: number): Promise<InHub> {
  const out: InHub = {};
  const reader = streamReader(hub, { stream: EDGES_STREAM }, load.subject);
  const caught = await poll({
    timeoutMs,
    intervalMs: 250,
    attempt: async () => {
      try {
        out.inHub = await streamCopies(reader, load.startSeq.hub, [load.runId], 30_000);
        delete out.hubError;
      } catch (e) {
        out.hubError = (e as Error).message;
        return undefined;
      }
      return acked.every((id) => out.inHub!.has(id)) ? true : undefined;
    },
  });
  if (caught.value) out.caughtUpAfterMs = caught.elapsedMs;
  return out;
}

/** The run as the edge's own stream holds it. */
export async function readAtEdge(load: RunningEdgeLoad, edge: EdgeSite): Promise<{ atEdge?: Map<string, number>; edgeError?: string }> {
  try {
    const reader = streamReader(load.connection, { stream: edgeStreamName(edge.name), domain: edge.domain }, load.subject);
    return { atEdge: await streamCopies(reader, load.startSeq.edge, [load.runId], 30_000) };
  } catch (e) {
    return { edgeError: (e as Error).message };
  }
}
