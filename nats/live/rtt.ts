// Round trips across the supercluster as a client sees them: a responder connected in one place,
// requests from another, one at a time. What the WAN layer's delay is measured by.

import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { nuid } from '@nats-io/transport-node';

export interface RttSample {
  /** Milliseconds per round trip, in the order taken. */
  samples: number[];
  p50: number;
  p90: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * `count` sequential requests from `asking` to a responder on `answering` (its own subject), after
 * `warmup` untimed ones that let gateway interest settle.
 */
export async function requestRtt(asking: NatsConnection, answering: NatsConnection, count = 20, warmup = 5): Promise<RttSample> {
  const subject = `_RTT.${nuid.next()}`;
  const sub = answering.subscribe(subject, { callback: (_e, m) => void m.respond() });
  await answering.flush();
  try {
    // Interest in the new subject reaches other clusters a one-way delay later: until then a
    // request meets no responders.
    const deadline = performance.now() + 10_000;
    for (;;) {
      try {
        await asking.request(subject, undefined, { timeout: 5000 });
        break;
      } catch (e) {
        if (performance.now() > deadline) throw e;
        await sleep(50);
      }
    }
    const samples: number[] = [];
    for (let i = 0; i < warmup + count; i++) {
      const t = performance.now();
      await asking.request(subject, undefined, { timeout: 5000 });
      if (i >= warmup) samples.push(performance.now() - t);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return { samples, p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
  } finally {
    sub.unsubscribe();
  }
}
