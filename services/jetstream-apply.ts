// `services/main.ts jetstream-apply --names c1,c2,c3 [--replicas seed=3,js=3,gw=3,xr=3]`: stage 07
// from inside a cluster (the Kubernetes Job). Applies the JetStream spec of that topology through
// NATS_URL/NATS_TLS_DIR (the admin's certificate) with the same driver as the local stage, prints
// one line per item and each stream's placement, and exits 1 on a change not applied or a
// misplaced stream.
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { UsageError } from '../core/errors.js';
import { parseReplicas, validateNames } from '../core/input.js';
import { wholeNumber } from '../core/settings.js';
import { placementProblems } from '../nats/jetstream/placement.js';
import { jetstreamSpec } from '../nats/jetstream/spec.js';
import { connectionFromEnv } from '../nats/live/client.js';
import { applyJetStream } from '../nats/live/jetstream-apply.js';
import { resolveTopology, type Topology } from '../nats/topology.js';

export function jetstreamApplyTopology(argv: string[]): Topology {
  const { values } = parseArgs({ args: argv, options: { names: { type: 'string' }, replicas: { type: 'string' } }, strict: true });
  const names = (values.names ?? '').split(',').filter(Boolean);
  if (!names.length) throw new UsageError('jetstream-apply needs --names c1,c2,...');
  validateNames(names);
  return resolveTopology({ names, flags: values.replicas ? parseReplicas(values.replicas) : {} });
}

export async function jetstreamApplyMain(argv: string[], say: (line: string) => void): Promise<number> {
  const topo = jetstreamApplyTopology(argv);
  const timeoutMs = wholeNumber(process.env, 'JETSTREAM_TIMEOUT_SECONDS', 120) * 1000;
  const nc = await connect({ ...connectionFromEnv(process.env, 'sandbox-jetstream'), timeout: 5000 });
  try {
    const report = await applyJetStream(nc, jetstreamSpec(topo), (p) => placementProblems(topo, p), { timeoutMs, say });
    for (const line of report.problems) say(line);
    return report.problems.length ? 1 : 0;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
