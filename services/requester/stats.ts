// Numbers for the requester's summary. Pure.

/** A small seeded PRNG (mulberry32): the same --seed asks the same questions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of `values` (ms); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export interface Summary {
  requests: number;
  ok: number;
  /** Requests that got no answer (service errors, timeouts, no responders). */
  errors: number;
  byRegion: Record<string, number>;
  /** Per request: from asking to the answer. */
  latencyMs: { p50: number; p90: number; p99: number };
  /** Answers whose publish the stream acknowledged. */
  published: { significant: number; throwaway: number };
  /** Failures by kind: service error codes, 'timeout', 'no-responders', 'request-failed', 'publish'. */
  failures: Record<string, number>;
}

/**
 * Latencies of a run of any length in bounded memory: every value while there are at most
 * `capacity`, then a uniform random sample of them (reservoir sampling), so percentiles stay honest.
 */
export class LatencySample {
  private readonly values: number[] = [];
  private seen = 0;

  constructor(
    private readonly capacity = 100_000,
    private readonly random: () => number = Math.random,
  ) {}

  add(ms: number): void {
    this.seen++;
    if (this.values.length < this.capacity) this.values.push(ms);
    else {
      const i = Math.floor(this.random() * this.seen);
      if (i < this.capacity) this.values[i] = ms;
    }
  }

  get count(): number {
    return this.seen;
  }

  get kept(): readonly number[] {
    return this.values;
  }
}

export function latencySummary(latencies: readonly number[]): Summary['latencyMs'] {
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(percentile(latencies, 50)), p90: r(percentile(latencies, 90)), p99: r(percentile(latencies, 99)) };
}

/** Significant answers are the ones greater than 1 (the cloud demo's rule). */
export function isSignificant(result: number): boolean {
  return result > 1;
}
