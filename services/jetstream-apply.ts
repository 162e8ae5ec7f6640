// `services/main.ts jetstream-apply --names c1,c2,c3 [--replicas seed=3,js=3,gw=3,xr=3]`: stage 07
// from inside a cluster (the Kubernetes Job). Applies the JetStream spec of that topology through
// NATS_URL/NATS_TLS_DIR (the admin's certificate), prints one line per item and each stream's
// placement, and exits 1 on a refused or failed change or a misplaced stream.

import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { applyWithRetry, describeResults, waitJetStream } from '../cluster/local/jetstream.js';
import { parseReplicas, validateNames } from '../core/input.js';
import { placementProblems } from '../nats/jetstream/placement.js';
import { jetstreamSpec } from '../nats/jetstream/spec.js';
import { connectionFromEnv } from '../nats/live/client.js';
import { streamPlacements } from '../nats/live/jetstream-apply.js';
import { buildTopology, resolveReplicas, type Topology } from '../nats/topology.js';

export function jetstreamApplyTopology(argv: string[]): Topology {
  const { values } = parseArgs({ args: argv, options: { names: { type: 'string' }, replicas: { type: 'string' } }, strict: true });
  const names = (values.names ?? '').split(',').filter(Boolean);
  if (!names.length) throw new Error('jetstream-apply needs --names c1,c2,...');
  validateNames(names);
  return buildTopology(names, { replicas: resolveReplicas(values.replicas ? parseReplicas(values.replicas) : {}) });
}

export async function jetstreamApplyMain(argv: string[], say: (line: string) => void): Promise<number> {
  const topo = jetstreamApplyTopology(argv);
  const timeoutMs = Number(process.env.JETSTREAM_TIMEOUT_SECONDS || 120) * 1000;
  const spec = jetstreamSpec(topo);
  const nc = await connect({ ...connectionFromEnv(process.env, 'sandbox-jetstream'), timeout: 5000 });
  try {
    await waitJetStream(nc, timeoutMs);
    const results = await applyWithRetry(nc, spec, timeoutMs);
    for (const line of describeResults(results)) say(line);
    const bad = results.filter((r) => r.action === 'refused' || r.action === 'failed');
    const placements = await streamPlacements(
      nc,
      spec.streams.map((s) => s.name),
    ).catch(() => []);
    for (const p of placements) say(`stream ${p.name} on ${p.cluster ?? '?'}: ${p.servers.join(', ')} (leader ${p.leader ?? 'none'})`);
    const misplaced = placementProblems(topo, placements);
    for (const line of [...describeResults(bad).map((l) => `not applied: ${l}`), ...misplaced]) say(line);
    return bad.length || misplaced.length ? 1 : 0;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
