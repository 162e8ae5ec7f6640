// The one polling loop: try, and while the answer is not there yet, wait and try again until the
// deadline. Every "wait until" of the sandbox (convergence, discovery, a socket, a Job) is one.
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions<T> {
  timeoutMs: number;
  intervalMs: number;
  /** One try: a value when done, undefined to try again. A throw also tries again (kept as lastError). */
  attempt: () => Promise<T | undefined>;
  /** Called after every try that was not done, with how long the poll has run. */
  onWait?: (elapsedMs: number) => void;
}

export interface PollResult<T> {
  value?: T;
  /** The message of the last try that threw, if any did. */
  lastError?: string;
  elapsedMs: number;
}

/** Polls until `attempt` gives a value or the time is up; never throws for a failed try. */
export async function poll<T>(opts: PollOptions<T>): Promise<PollResult<T>> {
  const started = performance.now();
  let lastError: string | undefined;
  for (;;) {
    try {
      const value = await opts.attempt();
      if (value !== undefined) return { value, elapsedMs: performance.now() - started, ...(lastError ? { lastError } : {}) };
    } catch (e) {
      lastError = (e as Error).message;
    }
    const elapsedMs = performance.now() - started;
    if (elapsedMs >= opts.timeoutMs) return { elapsedMs, ...(lastError ? { lastError } : {}) };
    opts.onWait?.(elapsedMs);
    await sleep(Math.min(opts.intervalMs, Math.max(0, opts.timeoutMs - elapsedMs)));
  }
}
