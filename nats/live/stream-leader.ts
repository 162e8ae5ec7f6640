// Put a stream's leader on a named server: one step-down that prefers that server (placement
// "preferred", nats-server 2.11+), then a wait until the stream reports it there. Stepping down
// at random until the leader happens to land somewhere takes many elections; this takes one.
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamLeaderError } from '../errors.js';
import { API_TIMEOUT_MS, type ApiError, ApiRefusal, type JsApi, type StreamPlacement, streamPlacement } from './stream-placement.js';

/** A leader that asked to step down and is still leader this long after is asked again. */
const ASK_AGAIN_MS = 2000;

/** Asks the stream's leader to hand over to `server`: undefined when it did, else why not. */
async function askStepDown(nc: JsApi, stream: string, server: string): Promise<string | undefined> {
  try {
    const body = JSON.stringify({ placement: { preferred: server } });
    const reply = (await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, body, { timeout: API_TIMEOUT_MS })).json<{
      success?: boolean;
      error?: ApiError;
    }>();
    return reply.success ? undefined : `the step-down was refused: ${reply.error?.description ?? 'no reason given'}`;
  } catch (e) {
    return `the step-down was not answered: ${(e as Error).message}`;
  }
}

export interface MoveLeaderOptions {
  /** Longest wait for the leader to get there (default 30 s). */
  timeoutMs?: number;
  /** Pause between looks at the stream (default 100 ms). */
  intervalMs?: number;
}

/**
 * Moves the leader of `stream` to `server`, one of the servers holding a replica of it, and
 * resolves once the stream reports it there (at once when it is there already). Throws a
 * StreamLeaderError when `server` holds no replica, the stream does not exist, or the leader is
 * not there in time (with the last reason the servers gave).
 */
export async function moveStreamLeader(nc: JsApi, stream: string, server: string, opts: MoveLeaderOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const started = performance.now();
  let problem = 'the stream did not answer';
  let asked: { of: string; at: number } | undefined;
  for (;;) {
    let now: StreamPlacement | undefined;
    try {
      now = await streamPlacement(nc, stream);
    } catch (e) {
      // 404: no such stream; anything else (no leader to answer, a timeout) passes with an election.
      if (e instanceof ApiRefusal && e.code === 404) throw new StreamLeaderError(e.message);
      problem = `stream info: ${(e as Error).message}`;
    }
    if (now?.leader === server) return;
    if (now && !now.servers.includes(server)) {
      throw new StreamLeaderError(
        `${server} holds no replica of stream ${stream}; its servers: ${now.servers.join(', ') || 'none reported'}`,
      );
    }
    if (now && !now.leader) problem = 'the stream has no leader (an election is under way)';
    const since = performance.now();
    if (now?.leader && (asked?.of !== now.leader || since - asked.at >= ASK_AGAIN_MS)) {
      asked = { of: now.leader, at: since };
      problem = (await askStepDown(nc, stream, server)) ?? `${now.leader} stepped down; waiting for ${server} to take over`;
    }
    if (performance.now() - started >= timeoutMs) {
      throw new StreamLeaderError(`the leader of stream ${stream} did not move to ${server} in ${timeoutMs / 1000} s: ${problem}`);
    }
    await sleep(intervalMs);
  }
}
