// What JetStream reports about its streams, consumers and KV buckets (through the admin user's
// JetStream API), as the observation's JetStreamView: replicas, leader, follower lag, placement.
import { type ConsumerInfo, jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerView, JetStreamView, StreamView } from '../observation.js';

/** KV buckets are streams named KV_<bucket>. */
const KV_PREFIX = 'KV_';

export async function observeJetStream(nc: NatsConnection, timeoutMs = 1500): Promise<JetStreamView> {
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
  const streams: StreamInfo[] = [];
  for await (const s of jsm.streams.list()) streams.push(s);
  const consumers: ConsumerInfo[] = [];
  for (const s of streams.filter((x) => !x.config.name.startsWith(KV_PREFIX) && x.state.consumer_count > 0)) {
    // A stream whose leader is unreachable answers nothing: draw it without its consumers.
    for await (const c of jsm.consumers.list(s.config.name)) consumers.push(c);
  }
  return jetstreamView(streams, consumers);
}

/** The view of the infos JetStream returned. Pure. */
export function jetstreamView(streams: StreamInfo[], consumers: ConsumerInfo[]): JetStreamView {
  const consumerViews = consumers.map(
    (c): ConsumerView => ({
      stream: c.stream_name,
      name: c.name,
      pending: c.num_pending,
      ackPending: c.num_ack_pending,
      redelivered: c.num_redelivered,
    }),
  );
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const streamViews = streams
    .filter((s) => !s.config.name.startsWith(KV_PREFIX))
    .map(
      (s): StreamView => ({
        name: s.config.name,
        ...(placementCluster(s) ? { cluster: placementCluster(s) } : {}),
        placementTags: [...(s.config.placement?.tags ?? [])],
        replicas: s.config.num_replicas,
        ...(s.cluster?.leader ? { leader: s.cluster.leader } : {}),
        followers: (s.cluster?.replicas ?? [])
          .map((p) => ({ name: p.name, current: p.current, lag: p.lag ?? 0, offline: p.offline ?? false }))
          .sort(byName),
        messages: s.state.messages,
        bytes: s.state.bytes,
        consumers: consumerViews.filter((c) => c.stream === s.config.name).sort(byName),
      }),
    )
    .sort(byName);
  const kv = streams
    .filter((s) => s.config.name.startsWith(KV_PREFIX))
    .map((s) => ({
      bucket: s.config.name.slice(KV_PREFIX.length),
      values: s.state.messages,
      replicas: s.config.num_replicas,
      ...(placementCluster(s) ? { cluster: placementCluster(s) } : {}),
    }))
    .sort((a, b) => a.bucket.localeCompare(b.bucket));
  return { streams: streamViews, kv };
}

function placementCluster(s: StreamInfo): string | undefined {
  return s.config.placement?.cluster || s.cluster?.name || undefined;
}
