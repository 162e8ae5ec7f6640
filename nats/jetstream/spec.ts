// The JetStream layout as data: streams, consumers and KV buckets for a topology. Pure.
// Stage 07 applies it (apply.ts); tofu/jetstream/ expresses the same for OpenTofu and a test
// keeps the two identical.
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../accounts.js';
import { STRETCHED_CLUSTER, type Topology } from '../topology.js';

export interface Placement {
  cluster: string;
  tags: string[];
}

export interface StreamSpec {
  name: string;
  description: string;
  /** Empty for a stream that only sources others. */
  subjects: string[];
  storage: 'file' | 'memory';
  maxAgeSeconds: number;
  /** Window in which a repeated message id is dropped as a duplicate. */
  duplicateWindowSeconds: number;
  replicas: number;
  placement: Placement;
  /** Names of streams this one sources (the eventually consistent aggregate). */
  sources: string[];
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  description: string;
  filterSubject: string;
  ackWaitSeconds: number;
  /** -1: redeliver until acknowledged (a recorder that cannot write must lose nothing). */
  maxDeliver: number;
  maxAckPending: number;
}

export interface KvSpec {
  bucket: string;
  description: string;
  history: number;
  ttlSeconds: number;
  replicas: number;
  placement: Placement;
}

export interface JetStreamSpec {
  streams: StreamSpec[];
  consumers: ConsumerSpec[];
  kv: KvSpec[];
}

const DAY_SECONDS = 24 * 60 * 60;
export const SIGNIFICANT_SUBJECT = `${ANSWERS_STREAM}.significant`;
export const THROWAWAY_SUBJECT = `${ANSWERS_STREAM}.throwaway`;
/** Per-region event streams and the stretched stream that sources them. */
const REGIONAL_PREFIX = 'events';
const AGGREGATE_STREAM = 'events-all';
const KV_BUCKET = 'sandbox-config';

function regionalStream(datacenter: string): string {
  return `${REGIONAL_PREFIX}-${datacenter}`;
}

function regionalSubject(datacenter: string): string {
  return `${REGIONAL_PREFIX}.${datacenter}.>`;
}

/** The most replicas a placement can hold, capped at 3: R3 in the full sandbox, fewer in small test topologies. */
function replicasFor(available: number): number {
  return Math.max(1, Math.min(3, available));
}

export function jetstreamSpec(topo: Topology): JetStreamSpec {
  // xr-js carries unique_tag az (one az per datacenter): at most one replica per datacenter.
  const stretchedReplicas = replicasFor(topo.names.length);
  const regionalReplicas = replicasFor(topo.options.replicas.js);
  const stretched: Placement = { cluster: STRETCHED_CLUSTER, tags: ['dc:xr'] };
  const streams: StreamSpec[] = [
    {
      name: ANSWERS_STREAM,
      description: 'math answers, one replica per datacenter: survives the loss of a region (strongly consistent)',
      subjects: [SIGNIFICANT_SUBJECT, THROWAWAY_SUBJECT],
      storage: 'file',
      maxAgeSeconds: 5 * DAY_SECONDS,
      duplicateWindowSeconds: 120,
      replicas: stretchedReplicas,
      placement: stretched,
      sources: [],
    },
    ...topo.names.map(
      (dc): StreamSpec => ({
        name: regionalStream(dc),
        description: `events of region ${dc}, kept in its own cluster`,
        subjects: [regionalSubject(dc)],
        storage: 'file',
        maxAgeSeconds: DAY_SECONDS,
        duplicateWindowSeconds: 120,
        replicas: regionalReplicas,
        // Naming the az tag lifts unique_tag az for this stream: all of a region's JetStream servers share az:cN.
        placement: { cluster: dc, tags: [`dc:${dc}`, `az:${dc}`] },
        sources: [],
      }),
    ),
    {
      name: AGGREGATE_STREAM,
      description: "every region's events, sourced across the gateways (eventually consistent)",
      subjects: [],
      storage: 'file',
      maxAgeSeconds: DAY_SECONDS,
      duplicateWindowSeconds: 120,
      replicas: stretchedReplicas,
      placement: stretched,
      sources: topo.names.map(regionalStream),
    },
  ];
  return {
    streams,
    consumers: [
      {
        stream: ANSWERS_STREAM,
        durable: ANSWERS_CONSUMER,
        description: 'the recorder: significant answers into MySQL',
        filterSubject: SIGNIFICANT_SUBJECT,
        ackWaitSeconds: 10,
        maxDeliver: -1,
        // Each recorder keeps two batches of 500 on their way (one written, one arriving): three
        // recorders need 3000 unacknowledged at once, or they wait for each other's acks.
        maxAckPending: 4000,
      },
    ],
    kv: [
      {
        bucket: KV_BUCKET,
        description: 'sandbox settings shared by every region',
        history: 5,
        ttlSeconds: 0,
        replicas: stretchedReplicas,
        placement: stretched,
      },
    ],
  };
}
