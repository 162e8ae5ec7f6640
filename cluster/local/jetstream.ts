// Stage 07 for the local provider: apply the JetStream spec through the admin user.

import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { placementProblems } from '../../nats/jetstream/placement.js';
import { type JetStreamSpec, jetstreamSpec } from '../../nats/jetstream/spec.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { type ApplyResult, applySpec, streamPlacements } from '../../nats/live/jetstream-apply.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './state.js';
import { localClientEnv } from './supercluster.js';

export async function connectAdmin(
  topo: Topology,
  plan: LocalState,
  credentials: Credentials,
  datacenter = topo.names[0]!,
): Promise<NatsConnection> {
  const env = localClientEnv(topo, plan, credentials, 'admin', datacenter);
  return connect({ ...connectionFromEnv({ ...env }, 'sandbox-jetstream'), timeout: 5000 });
}

/** Wait until the JetStream meta group answers account requests (right after stage 06 it may still elect). */
export async function waitJetStream(nc: NatsConnection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 3000 });
      await jsm.getAccountInfo();
      return;
    } catch (e) {
      last = (e as Error).message;
      await sleep(500);
    }
  }
  throw new SandboxError(
    `JetStream did not answer within ${Math.round(timeoutMs / 1000)}s (${last}); check that stage 06 converged: npx zx scripts/status.mjs`,
  );
}

/**
 * Apply, retrying items that failed outright until `timeoutMs` (after a restart stream groups
 * elect their leaders one by one); refusals are final.
 */
export async function applyWithRetry(nc: NatsConnection, spec: JetStreamSpec, timeoutMs: number): Promise<ApplyResult[]> {
  const deadline = Date.now() + timeoutMs;
  let results = await applySpec(nc, spec);
  while (Date.now() < deadline && results.some((r) => r.action === 'failed')) {
    await sleep(1000);
    const failed = new Set(results.filter((r) => r.action === 'failed').map((r) => `${r.kind}:${r.name}`));
    const again = await applySpec(nc, {
      streams: spec.streams.filter((s) => failed.has(`stream:${s.name}`)),
      consumers: spec.consumers.filter((c) => failed.has(`consumer:${c.stream}/${c.durable}`)),
      kv: spec.kv.filter((k) => failed.has(`kv:${k.bucket}`)),
    });
    results = results.map((r) => again.find((a) => a.kind === r.kind && a.name === r.name) ?? r);
  }
  return results;
}

export function describeResults(results: ApplyResult[]): string[] {
  return results.map((r) => `${r.kind} ${r.name}: ${r.action}${r.detail ? ` (${r.detail})` : ''}`);
}

export interface JetStreamStageInput {
  topo: Topology;
  plan: LocalState;
  credentials: Credentials;
  say: (line: string) => void;
  timeoutMs: number;
}

export async function jetstreamStage(input: JetStreamStageInput): Promise<ApplyResult[]> {
  const spec = jetstreamSpec(input.topo);
  const nc = await connectAdmin(input.topo, input.plan, input.credentials);
  try {
    await waitJetStream(nc, input.timeoutMs);
    const results = await applyWithRetry(nc, spec, input.timeoutMs);
    for (const line of describeResults(results)) input.say(line);
    const bad = results.filter((r) => r.action === 'refused' || r.action === 'failed');
    if (bad.length) {
      throw new SandboxError(
        `${bad.length} JetStream change(s) not applied:\n${describeResults(bad)
          .map((l) => `  - ${l}`)
          .join('\n')}\n` +
          'fix: a refused change needs the resource recreated (delete it with the nats CLI, then run stage 07 again), or change nats/jetstream/spec.ts back',
      );
    }
    const placements = await streamPlacements(
      nc,
      spec.streams.map((s) => s.name),
    ).catch(() => []);
    for (const p of placements)
      input.say(`stream ${p.name} on ${p.cluster ?? '?'}: ${p.servers.join(', ')} (leader ${p.leader ?? 'none'})`);
    const misplaced = placementProblems(input.topo, placements);
    if (misplaced.length) {
      throw new SandboxError(`${misplaced.join('\n')}\nfix: delete the stream (nats stream rm) and run stage 07 again`);
    }
    return results;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
