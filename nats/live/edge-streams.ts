// Store and forward for edge sites: each site's stream in its own JetStream domain (created through
// the leafnode, with the domain's API prefix), and the supercluster's `edges` stream on xr-js
// sourcing every one of them across the domain boundary. A site cut off goes on acknowledging
// publishes into its own stream; once connected again the source catches up, each message once
// (sourcing keeps its position in the origin stream). An edge stream made again (the site removed
// and added back) goes on from the sequence the hub last took from it: the hub finds its position
// from the Nats-Stream-Source headers it holds (nats-server server/stream.go
// setStartingSequenceForSources), so a stream starting again at 1 would not be forwarded until it
// passed the old one's last sequence.
import { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { domainApi, EDGES_STREAM, edgeStreamName, edgeSubject } from '../edges.js';
import { STRETCHED_CLUSTER, type Topology } from '../topology.js';

const DAY_NS = 24 * 60 * 60 * 1e9;

export interface EdgeStreamsResult {
  /** What was done to each stream, e.g. "edge-e1 (domain e1): created". */
  lines: string[];
}

type Manager = Awaited<ReturnType<typeof jetstreamManager>>;

async function ensure(
  jsm: Manager,
  config: Partial<StreamConfig> & { name: string },
  /** The first sequence, when it is created (an edge stream made again). */
  firstSeq?: () => Promise<number | undefined>,
): Promise<'created' | 'updated' | 'unchanged'> {
  const live = await jsm.streams.info(config.name).catch(() => undefined);
  if (!live) {
    const first = await firstSeq?.();
    await jsm.streams.add(first ? { ...config, first_seq: first } : config);
    return 'created';
  }
  const key = (sources: StreamConfig['sources'] | undefined) =>
    JSON.stringify((sources ?? []).map((s) => [s.name, s.external?.api ?? '']).sort());
  const want = key(config.sources);
  const have = key(live.config.sources);
  if (want === have) return 'unchanged';
  const { name: _n, ...update } = config;
  await jsm.streams.update(config.name, update);
  return 'updated';
}

/** The origin sequence in a Nats-Stream-Source header ("edge-e1:k6gjV4f2 689 > > edge.e1.x"). Pure. */
export function sourcedSeq(header: string | undefined): number | undefined {
  const seq = Number(header?.trim().split(/\s+/)[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** Where an edge stream made again must begin: after the last of its messages the hub holds. */
async function nextAfterHub(hub: Manager, subject: string): Promise<number | undefined> {
  const last = await hub.streams.getMessage(EDGES_STREAM, { last_by_subj: subject }).catch(() => undefined);
  const seq = sourcedSeq(last?.header.get('Nats-Stream-Source'));
  return seq === undefined ? undefined : seq + 1;
}

/** Each edge site's stream in its domain, then the supercluster's stream sourcing them all. */
export async function applyEdgeStreams(nc: NatsConnection, topo: Topology, timeoutMs = 5000): Promise<EdgeStreamsResult> {
  const lines: string[] = [];
  if (!topo.edges.length) return { lines };
  const hub = await jetstreamManager(nc, { timeout: timeoutMs });
  for (const edge of topo.edges) {
    const jsm = await jetstreamManager(nc, { domain: edge.domain, timeout: timeoutMs });
    const done = await ensure(
      jsm,
      {
        name: edgeStreamName(edge.name),
        description: `events of edge site ${edge.name}, stored at the site first`,
        subjects: [edgeSubject(edge.name)],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        max_age: 5 * DAY_NS,
        num_replicas: edge.servers.length,
      },
      () => nextAfterHub(hub, edgeSubject(edge.name)),
    );
    lines.push(`${edgeStreamName(edge.name)} (domain ${edge.domain}): ${done}`);
  }
  const done = await ensure(hub, {
    name: EDGES_STREAM,
    description: 'every edge site stream, sourced across its JetStream domain',
    subjects: [],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 5 * DAY_NS,
    num_replicas: Math.min(3, topo.names.length),
    placement: { cluster: STRETCHED_CLUSTER, tags: ['dc:xr'] },
    sources: topo.edges.map((e) => ({ name: edgeStreamName(e.name), external: { api: domainApi(e.domain) } })),
  });
  lines.push(`${EDGES_STREAM} (sources ${topo.edges.map((e) => edgeStreamName(e.name)).join(', ')}): ${done}`);
  return { lines };
}
