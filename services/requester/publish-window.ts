// The publish half of the requester: a bounded window of publishes waiting for their JetStream
// ack. Askers hand answers in and go on asking; when the window is full they wait (backpressure).
// A failed publish is retried with the same message id, so the stream stores it once whatever
// happened to the earlier attempt; an answer counts as published only once its ack arrived.

import { setTimeout as sleep } from 'node:timers/promises';

export interface Outgoing {
  subject: string;
  data: string;
  msgID: string;
}

/** Publish one message and resolve on its ack (js.publish with msgID). */
export type PublishFn = (m: Outgoing) => Promise<unknown>;

export type Outcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: Error };

export interface PublishWindowOptions {
  /** Most publishes awaiting their ack at once. */
  size: number;
  /** Tries per message, the first included. */
  attempts: number;
  /** Pause before retry n (1-based). */
  retryDelayMs?: (retry: number) => number;
}

/** 100, 200, 400, 800 ms, then 1 s between tries: quick after a blip, patient through an election. */
export function backoffMs(retry: number): number {
  return Math.min(100 * 2 ** (retry - 1), 1000);
}

export class PublishWindow {
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  /** Most publishes that were ever awaiting their ack at once (never above size). */
  peak = 0;

  constructor(
    private readonly publish: PublishFn,
    private readonly opts: PublishWindowOptions,
  ) {
    if (!(opts.size >= 1) || !(opts.attempts >= 1)) throw new RangeError('a publish window needs size >= 1 and attempts >= 1');
  }

  get outstanding(): number {
    return this.inFlight;
  }

  /** Resolves once `m` is in the window (at once unless it is full); `done` is told how it ended. */
  async send(m: Outgoing, done: (o: Outcome) => void): Promise<void> {
    while (this.inFlight >= this.opts.size) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    void this.attempt(m).then((o) => {
      this.inFlight--;
      this.slotWaiters.shift()?.();
      if (!this.inFlight) for (const w of this.idleWaiters.splice(0)) w();
      done(o);
    });
  }

  private async attempt(m: Outgoing): Promise<Outcome> {
    let error = new Error('not sent');
    for (let n = 1; n <= this.opts.attempts; n++) {
      try {
        await this.publish(m);
        return { ok: true, attempts: n };
      } catch (e) {
        error = e as Error;
        if (n < this.opts.attempts) await sleep(this.opts.retryDelayMs?.(n) ?? backoffMs(n));
      }
    }
    return { ok: false, attempts: this.opts.attempts, error };
  }

  /** Resolves when every publish handed in has its ack or has failed for good. */
  async drain(): Promise<void> {
    if (!this.inFlight) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }
}
