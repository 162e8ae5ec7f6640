// Stage 07 for the local provider: the JetStream spec applied through the admin user of the
// first region, by the same driver the Kubernetes Job runs.

import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { placementProblems } from '../../nats/jetstream/placement.js';
import { jetstreamSpec } from '../../nats/jetstream/spec.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { applyEdgeStreams } from '../../nats/live/edge-streams.js';
import { type ApplyResult, applyJetStream } from '../../nats/live/jetstream-apply.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './state.js';
import { localClientEnv } from './supercluster.js';

export async function connectAdmin(
  topo: Topology,
  state: LocalState,
  credentials: Credentials,
  datacenter = topo.names[0]!,
): Promise<NatsConnection> {
  const env = localClientEnv(topo, state, credentials, 'admin', datacenter);
  return connect({ ...connectionFromEnv({ ...env }, 'sandbox-jetstream'), timeout: 5000 });
}

export interface JetStreamStageInput {
  topo: Topology;
  state: LocalState;
  credentials: Credentials;
  say: (line: string) => void;
  timeoutMs: number;
}

export async function jetstreamStage(input: JetStreamStageInput): Promise<ApplyResult[]> {
  const spec = jetstreamSpec(input.topo);
  const nc = await connectAdmin(input.topo, input.state, input.credentials);
  try {
    const report = await applyJetStream(nc, spec, (p) => placementProblems(input.topo, p), { timeoutMs: input.timeoutMs, say: input.say });
    if (report.problems.length) {
      throw new SandboxError(
        `the JetStream spec is not in place:\n${report.problems.map((l) => `  - ${l}`).join('\n')}\n` +
          `fix: check that stage 06 converged (${commandHint('status')}); a refused change or a misplaced stream needs the resource recreated (nats stream rm, then stage 07 again), or nats/jetstream/spec.ts changed back`,
      );
    }
    // Edge sites: each one's stream in its own domain, and the supercluster's stream sourcing them.
    if (input.topo.edges.length) {
      try {
        for (const line of (await applyEdgeStreams(nc, input.topo, input.timeoutMs)).lines) input.say(`  ${line}`);
      } catch (e) {
        throw new SandboxError(
          `the edge sites' streams are not in place: ${(e as Error).message}\nfix: check that every edge site is connected (${commandHint('status')}), then run stage 07 again`,
        );
      }
    }
    return report.results;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
