// One observation of the live sandbox: what `status` prints, `status --json` writes and the
// topology page draws. Built from what the servers report (never from the model's own answer),
// compared with the expected topology. Pure.
import { type Cause, diagnose, type SectionProblem } from './diagnose.js';
import type { EdgeServerView } from './edges.js';
import { expectedTopology } from './expected.js';
import type { Topology } from './topology.js';
import { type LiveServer, type Verdict, verify } from './verify.js';

/** A JetStream stream as its leader reports it. */
export interface StreamView {
  name: string;
  /** NATS cluster the stream is placed in. */
  cluster?: string;
  placementTags: string[];
  replicas: number;
  leader?: string;
  /** Followers: name, whether current, how far behind (operations), offline. */
  followers: { name: string; current: boolean; lag: number; offline: boolean }[];
  messages: number;
  bytes: number;
  consumers: ConsumerView[];
}

export interface ConsumerView {
  stream: string;
  name: string;
  /** Messages not yet delivered. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
  redelivered: number;
}

export interface KvView {
  bucket: string;
  values: number;
  replicas: number;
  cluster?: string;
}

export interface JetStreamView {
  streams: StreamView[];
  kv: KvView[];
}

/** A service instance found through the services framework discovery. */
export interface ServiceView {
  region: string;
  name: string;
  instance: string;
  /** Requests served and errors, from the services framework STATS, when asked. */
  requests?: number;
  errors?: number;
}

/** More of the live system a provider reports beside the supercluster (its services, recorder...). */
export interface ObservationSection {
  /** Short name: services, recorder, jetstream. */
  name: string;
  /** Differences from what should run; any makes status fail. */
  problems: SectionProblem[];
  /** Fields added to the --json output. */
  json: Record<string, unknown>;
  /** Lines printed after the verdict. */
  text: string[];
}

export interface Observation {
  /** When it was taken (ISO 8601). */
  at: string;
  topology: Topology;
  live: LiveServer[];
  verdict: Verdict;
  jetstream?: JetStreamView;
  services?: ServiceView[];
  /** What the edge sites' servers said of themselves, when the sandbox has edge sites. */
  edges?: EdgeServerView[];
  sections: ObservationSection[];
  /** Every problem: the verdict's and the sections'. */
  problems: string[];
  /** The problems grouped by cause, one line each (a region down is one cause). */
  causes: Cause[];
  ok: boolean;
}

export interface ObservationParts {
  topology: Topology;
  live: LiveServer[];
  jetstream?: JetStreamView;
  services?: ServiceView[];
  edges?: EdgeServerView[];
  sections?: ObservationSection[];
  at?: Date;
}

export function observation(parts: ObservationParts): Observation {
  const verdict = verify(expectedTopology(parts.topology), parts.live);
  const sections = parts.sections ?? [];
  const others = sections.flatMap((s) => s.problems);
  const problems = [...verdict.problems, ...others.map((p) => p.text)];
  const causes = diagnose(parts.topology, verdict, others);
  return {
    at: (parts.at ?? new Date()).toISOString(),
    topology: parts.topology,
    live: parts.live,
    verdict,
    ...(parts.jetstream ? { jetstream: parts.jetstream } : {}),
    ...(parts.services ? { services: parts.services } : {}),
    ...(parts.edges ? { edges: parts.edges } : {}),
    sections,
    problems,
    causes,
    ok: problems.length === 0,
  };
}
