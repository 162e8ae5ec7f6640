// Apply a JetStream spec idempotently: create what is missing, update what changed when the
// server allows it, and report (never hide) a change the server refuses.
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerSpec, JetStreamSpec, KvSpec, StreamSpec } from '../jetstream/spec.js';
import { type StreamPlacement, streamPlacement } from './stream-placement.js';

export type ApplyAction = 'created' | 'updated' | 'unchanged' | 'refused' | 'failed';

export interface ApplyResult {
  kind: 'stream' | 'consumer' | 'kv';
  name: string;
  action: ApplyAction;
  /** Fields that differed (updated/refused), or the server's error. */
  detail?: string;
}

const NS = 1_000_000_000;
const nanos = (seconds: number) => seconds * NS;

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function apiCode(e: unknown): number | undefined {
  return e instanceof JetStreamApiError ? e.code : undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The stream configuration the spec asks for (fields the spec does not set keep server defaults). */
export function streamConfig(s: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: s.name,
    description: s.description,
    subjects: s.subjects,
    storage: s.storage === 'file' ? StorageType.File : StorageType.Memory,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(s.maxAgeSeconds),
    duplicate_window: nanos(s.duplicateWindowSeconds),
    num_replicas: s.replicas,
    placement: { cluster: s.placement.cluster, tags: s.placement.tags },
    ...(s.sources.length ? { sources: s.sources.map((name) => ({ name })) } : {}),
  };
}

export function consumerConfig(c: ConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: c.durable,
    description: c.description,
    filter_subject: c.filterSubject,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(c.ackWaitSeconds),
    max_deliver: c.maxDeliver,
    max_ack_pending: c.maxAckPending,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
  };
}

const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort().join(',');

/** Names of the fields whose live value differs from the spec. Pure. */
export function streamDiff(want: StreamSpec, have: Partial<StreamConfig>): string[] {
  const w = streamConfig(want);
  const out: string[] = [];
  if ((have.description ?? '') !== w.description) out.push('description');
  if (sorted(have.subjects) !== sorted(w.subjects)) out.push('subjects');
  if (have.storage !== w.storage) out.push('storage');
  if (have.max_age !== w.max_age) out.push('max_age');
  if (have.duplicate_window !== w.duplicate_window) out.push('duplicate_window');
  if (have.num_replicas !== w.num_replicas) out.push('num_replicas');
  if ((have.placement?.cluster ?? '') !== w.placement!.cluster || sorted(have.placement?.tags) !== sorted(w.placement!.tags))
    out.push('placement');
  if (sorted(have.sources?.map((s) => s.name)) !== sorted(want.sources)) out.push('sources');
  return out;
}

export function consumerDiff(want: ConsumerSpec, have: Partial<ConsumerConfig>): string[] {
  const w = consumerConfig(want);
  const out: string[] = [];
  for (const key of [
    'description',
    'filter_subject',
    'ack_policy',
    'ack_wait',
    'max_deliver',
    'max_ack_pending',
    'deliver_policy',
  ] as const) {
    if ((have[key] ?? '') !== (w[key] ?? '')) out.push(key);
  }
  return out;
}

function kvStreamName(bucket: string): string {
  return `KV_${bucket}`;
}

export function kvDiff(want: KvSpec, have: Partial<StreamConfig>): string[] {
  const out: string[] = [];
  if ((have.description ?? '') !== want.description) out.push('description');
  if (have.max_msgs_per_subject !== want.history) out.push('history');
  if (have.max_age !== nanos(want.ttlSeconds)) out.push('ttl');
  if (have.num_replicas !== want.replicas) out.push('replicas');
  if ((have.placement?.cluster ?? '') !== want.placement.cluster || sorted(have.placement?.tags) !== sorted(want.placement.tags))
    out.push('placement');
  return out;
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (e) {
    if (apiCode(e) === STREAM_NOT_FOUND || (e as { name?: string }).name === 'StreamNotFoundError') return undefined;
    throw e;
  }
}

async function consumerInfo(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (e) {
    if (apiCode(e) === CONSUMER_NOT_FOUND || (e as { name?: string }).name === 'ConsumerNotFoundError') return undefined;
    throw e;
  }
}

/** One resource's way from the spec to the server: look it up, create it, or diff and update it. */
interface Reconciler<Config> {
  kind: ApplyResult['kind'];
  name: string;
  /** The live config, or undefined when the resource does not exist. */
  lookup(): Promise<Config | undefined>;
  create(): Promise<unknown>;
  /** Fields that differ from the spec. */
  diff(live: Config): string[];
  update(): Promise<unknown>;
}

async function reconcile<Config>(r: Reconciler<Config>): Promise<ApplyResult> {
  const base = { kind: r.kind, name: r.name };
  const live = await r.lookup();
  if (!live) {
    try {
      await r.create();
      return { ...base, action: 'created' };
    } catch (e) {
      return { ...base, action: 'failed', detail: errorText(e) };
    }
  }
  const diff = r.diff(live);
  if (!diff.length) return { ...base, action: 'unchanged' };
  try {
    await r.update();
    return { ...base, action: 'updated', detail: diff.join(', ') };
  } catch (e) {
    return updateFailure(base, diff, e);
  }
}

function applyStream(jsm: JetStreamManager, s: StreamSpec): Promise<ApplyResult> {
  const { name: _name, ...update } = streamConfig(s);
  return reconcile({
    kind: 'stream',
    name: s.name,
    lookup: async () => (await streamInfo(jsm, s.name))?.config,
    create: () => jsm.streams.add(streamConfig(s)),
    diff: (live) => streamDiff(s, live),
    update: () => jsm.streams.update(s.name, update as Partial<StreamConfig>),
  });
}

function applyConsumer(jsm: JetStreamManager, c: ConsumerSpec): Promise<ApplyResult> {
  return reconcile({
    kind: 'consumer',
    name: `${c.stream}/${c.durable}`,
    lookup: async () => (await consumerInfo(jsm, c.stream, c.durable))?.config,
    create: () => jsm.consumers.add(c.stream, consumerConfig(c)),
    diff: (live) => consumerDiff(c, live),
    update: () => jsm.consumers.update(c.stream, c.durable, consumerConfig(c)),
  });
}

function applyKv(nc: NatsConnection, jsm: JetStreamManager, k: KvSpec): Promise<ApplyResult> {
  const placement = { cluster: k.placement.cluster, tags: k.placement.tags };
  return reconcile({
    kind: 'kv',
    name: k.bucket,
    lookup: async () => (await streamInfo(jsm, kvStreamName(k.bucket)))?.config,
    create: () =>
      new Kvm(jetstream(nc)).create(k.bucket, {
        description: k.description,
        history: k.history,
        ttl: k.ttlSeconds * 1000,
        replicas: k.replicas,
        placement,
      }),
    diff: (live) => kvDiff(k, live),
    // A bucket is a stream: its history and TTL are the stream's per-subject limit and max age.
    update: () =>
      jsm.streams.update(kvStreamName(k.bucket), {
        description: k.description,
        max_msgs_per_subject: k.history,
        max_age: nanos(k.ttlSeconds),
        num_replicas: k.replicas,
        placement,
      } as Partial<StreamConfig>),
  });
}

/**
 * An update the server did not answer in time (a stream group still electing its leader after a
 * restart) is a failure to retry; an answer that says no is a refusal, final.
 */
function updateFailure(base: Pick<ApplyResult, 'kind' | 'name'>, diff: string[], e: unknown): ApplyResult {
  const text = errorText(e);
  const transient = /timeout|no responders|503/i.test(text) || (e as Error)?.name === 'TimeoutError';
  return { ...base, action: transient ? 'failed' : 'refused', detail: `${diff.join(', ')}: ${text}` };
}

/** A lookup that did not answer (no leader yet after a restart) is a failure to retry, not a crash. */
async function guarded(kind: ApplyResult['kind'], name: string, fn: () => Promise<ApplyResult>): Promise<ApplyResult> {
  try {
    return await fn();
  } catch (e) {
    return { kind, name, action: 'failed', detail: errorText(e) };
  }
}

/** Apply every stream (sources after what they source), then consumers, then KV buckets. */
export async function applySpec(nc: NatsConnection, spec: JetStreamSpec, timeoutMs = 5_000): Promise<ApplyResult[]> {
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  const plain = spec.streams.filter((s) => !s.sources.length);
  const sourcing = spec.streams.filter((s) => s.sources.length);
  const streams = (list: StreamSpec[]) => Promise.all(list.map((s) => guarded('stream', s.name, () => applyStream(jsm, s))));
  // Two rounds, each a few hundred ms of raft elections: the streams that source nothing with the
  // KV buckets (independent), then the sourcing streams (their sources exist) with the consumers
  // (their streams exist). Reported in the spec's order.
  const [plainDone, kvDone] = await Promise.all([
    streams(plain),
    Promise.all(spec.kv.map((k) => guarded('kv', k.bucket, () => applyKv(nc, jsm, k)))),
  ]);
  const [sourcingDone, consumersDone] = await Promise.all([
    streams(sourcing),
    Promise.all(spec.consumers.map((c) => guarded('consumer', `${c.stream}/${c.durable}`, () => applyConsumer(jsm, c)))),
  ]);
  return [...plainDone, ...sourcingDone, ...consumersDone, ...kvDone];
}

/** A stream of the spec and where it lives. */
export type NamedPlacement = StreamPlacement & { name: string };

/** Where each stream of the spec lives now (for the stage's report and the tests). */
export async function streamPlacements(nc: NatsConnection, names: string[]): Promise<NamedPlacement[]> {
  return Promise.all(names.map(async (name) => ({ name, ...(await streamPlacement(nc, name)) })));
}

// --- the one driver: stage 07 locally and the in-pod Job both run this ---------------------------

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until the JetStream meta group answers account requests (right after stage 06 it may still elect). */
async function waitJetStream(nc: NatsConnection, deadline: number): Promise<string | undefined> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 3000 });
      await jsm.getAccountInfo();
      return undefined;
    } catch (e) {
      last = errorText(e);
      await pause(500);
    }
  }
  return last;
}

/**
 * The streams' placements once every follower is current (a replica added by a grown topology
 * copies the stream first; the servers' health check counts it unhealthy until then), or as they
 * are at the deadline.
 */
async function caughtUp(nc: NatsConnection, names: string[], deadline: number): Promise<NamedPlacement[]> {
  for (;;) {
    const placements = await streamPlacements(nc, names).catch(() => undefined);
    const settled = placements?.every((p) => p.leader && !p.behind.length);
    if (placements && (settled || Date.now() >= deadline)) return placements;
    if (!placements && Date.now() >= deadline) return [];
    await pause(250);
  }
}

function describeResults(results: ApplyResult[]): string[] {
  return results.map((r) => `${r.kind} ${r.name}: ${r.action}${r.detail ? ` (${r.detail})` : ''}`);
}

export interface JetStreamApplyReport {
  results: ApplyResult[];
  placements: NamedPlacement[];
  /** Why the spec is not in place: JetStream not answering, changes not applied, misplaced streams. */
  problems: string[];
}

/**
 * Wait for JetStream, apply the spec, retry what failed outright until the deadline (after a
 * restart stream groups elect their leaders one by one; refusals are final), then check where the
 * streams landed. Says one line per item and per stream.
 */
export async function applyJetStream(
  nc: NatsConnection,
  spec: JetStreamSpec,
  placementCheck: (placements: NamedPlacement[]) => string[],
  opts: { timeoutMs: number; say: (line: string) => void },
): Promise<JetStreamApplyReport> {
  const deadline = Date.now() + opts.timeoutMs;
  const silent = await waitJetStream(nc, deadline);
  if (silent) {
    return { results: [], placements: [], problems: [`JetStream did not answer within ${Math.round(opts.timeoutMs / 1000)}s (${silent})`] };
  }
  let results = await applySpec(nc, spec);
  while (Date.now() < deadline && results.some((r) => r.action === 'failed')) {
    await pause(1000);
    const failed = new Set(results.filter((r) => r.action === 'failed').map((r) => `${r.kind}:${r.name}`));
    const again = await applySpec(nc, {
      streams: spec.streams.filter((s) => failed.has(`stream:${s.name}`)),
      consumers: spec.consumers.filter((c) => failed.has(`consumer:${c.stream}/${c.durable}`)),
      kv: spec.kv.filter((k) => failed.has(`kv:${k.bucket}`)),
    });
    results = results.map((r) => again.find((a) => a.kind === r.kind && a.name === r.name) ?? r);
  }
  for (const line of describeResults(results)) opts.say(line);
  const bad = results.filter((r) => r.action === 'refused' || r.action === 'failed');
  const placements = await caughtUp(nc, [...spec.streams.map((s) => s.name), ...spec.kv.map((k) => `KV_${k.bucket}`)], deadline);
  for (const p of placements) opts.say(`stream ${p.name} on ${p.cluster ?? '?'}: ${p.servers.join(', ')} (leader ${p.leader ?? 'none'})`);
  const behind = placements
    .filter((p) => p.behind.length)
    .map((p) => `stream ${p.name}: ${p.behind.join(', ')} not caught up with its leader`);
  return {
    results,
    placements,
    problems: [...describeResults(bad).map((l) => `not applied: ${l}`), ...placementCheck(placements), ...behind],
  };
}
