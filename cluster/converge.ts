// Wait until the live supercluster matches its topology, for every provider: observe, verify,
// take meta peers of removed servers out of the JetStream group, correct servers that count the
// meta group wrong (a step-down), and name what did not converge.
import { SandboxError } from '../core/errors.js';
import { poll } from '../core/poll.js';
import { expectedTopology } from '../nats/expected.js';
import type { Topology } from '../nats/topology.js';
import { type LiveServer, type Verdict, verify } from '../nats/verify.js';

export interface ConvergeOptions {
  topology: Topology;
  observe: () => Promise<LiveServer[]>;
  timeoutMs: number;
  intervalMs: number;
  /** Where to look when it does not converge. */
  fix: string;
  /** Called with each verdict that is not ok yet. */
  onProgress?: (verdict: Verdict, elapsedMs: number) => void;
  /** Removes stale meta peers (servers gone for good); returns the names removed. */
  removeStalePeers?: (verdict: Verdict) => Promise<string[]>;
  /**
   * Steps the JetStream meta leader down in favour of `server` (placement `preferred`, nats-server
   * 2.11+): the new leader's peer state sets every follower's count of the group, so it must be a
   * server that counts right.
   */
  stepDownMetaLeader?: (server: string) => Promise<void>;
  /** How long a wrong count must last before the step-down (default STUCK_AFTER_MS). */
  stuckAfterMs?: number;
  /** Checked before each try: an error ends the wait at once (a server that exited on start). */
  failFast?: () => Error | undefined;
}

/** A step-down is an election: one at a time, and not again before the last one settled. */
const STEP_DOWN_EVERY_MS = 5000;
/**
 * How long a server must count the group wrong before it is corrected: a starting server sizes the
 * group anew every second until it finds the leader (and often ends right), so only a count that
 * outlives that is stuck. Stepping down earlier elected a new leader after most region restarts.
 */
export const STUCK_AFTER_MS = 3000;

/** The servers counting wrong now, each with when it was first seen counting wrong (kept across tries). */
export function trackWrongCounts(v: Verdict, since: Map<string, number>, now: number): Map<string, number> {
  const next = new Map<string, number>();
  for (const s of v.staleMetaSize) next.set(s.name, since.get(s.name) ?? now);
  return next;
}

/**
 * The server to hand the meta leadership to: a JetStream server that counts the group right and
 * does not lead it now, or none, when a step-down could only elect a leader counting wrong, whose
 * count its followers would then take.
 */
export function rightCountingServer(live: readonly LiveServer[], jetstreamServers: number): string | undefined {
  return live
    .filter((s) => s.jetstream && s.metaClusterSize === jetstreamServers && s.metaLeader && s.metaLeader !== s.name)
    .map((s) => s.name)
    .sort()[0];
}

/** Only a stale meta size is left (everything else converged): the moment for a step-down. */
export function onlyStaleMetaSize(v: Verdict): boolean {
  return (
    v.staleMetaSize.length > 0 && v.findings.every((f) => f.kind === 'meta' && v.staleMetaSize.some((s) => f.involves.includes(s.name)))
  );
}

export interface Converged {
  verdict: Verdict;
  live: LiveServer[];
  elapsedMs: number;
}

export async function waitConverged(opts: ConvergeOptions): Promise<Converged> {
  const expected = expectedTopology(opts.topology);
  let last: { verdict: Verdict; live: LiveServer[] } | undefined;
  const started = performance.now();
  let lastStepDown = Number.NEGATIVE_INFINITY;
  let wrongSince = new Map<string, number>();
  let failed: Error | undefined;
  const result = await poll({
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    attempt: async () => {
      failed = opts.failFast?.();
      if (failed) return 'failed' as const;
      const live = await opts.observe();
      const verdict = verify(expected, live);
      last = { verdict, live };
      if (verdict.ok) return last;
      opts.onProgress?.(verdict, performance.now() - started);
      if (verdict.stalePeers.length && opts.removeStalePeers) await opts.removeStalePeers(verdict);
      const now = performance.now();
      wrongSince = trackWrongCounts(verdict, wrongSince, now);
      const stuck = wrongSince.size > 0 && [...wrongSince.values()].every((t) => now - t >= (opts.stuckAfterMs ?? STUCK_AFTER_MS));
      const to = stuck && onlyStaleMetaSize(verdict) ? rightCountingServer(live, expected.jetstreamServers) : undefined;
      if (opts.stepDownMetaLeader && to && now - lastStepDown > STEP_DOWN_EVERY_MS) {
        lastStepDown = performance.now();
        await opts.stepDownMetaLeader(to);
      }
      return undefined;
    },
  });
  if (failed) throw failed;
  if (result.value && result.value !== 'failed') return { ...result.value, elapsedMs: result.elapsedMs };
  const why = last
    ? last.verdict.problems
        .slice(0, 12)
        .map((p) => `  - ${p}`)
        .join('\n')
    : `  - no server answered (${result.lastError ?? 'no connection'})`;
  throw new SandboxError(`the supercluster did not converge in ${Math.round(opts.timeoutMs / 1000)}s:\n${why}\nfix: ${opts.fix}`);
}
