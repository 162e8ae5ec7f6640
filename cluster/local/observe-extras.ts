// The parts of a local observation beyond the servers' own reports, asked as the admin user over
// one connection: the services discovery, each service instance's requests and errors, and the
// JetStream view (streams, consumers, KV).
import { connect } from '@nats-io/transport-node';
import { clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { discoverServices, type FoundService, type ServiceCounts, serviceStats } from '../../nats/live/discovery.js';
import { observeJetStream } from '../../nats/live/jetstream-observe.js';
import type { JetStreamView } from '../../nats/observation.js';
import type { Credentials } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import type { LocalState } from './state.js';
import { regionClientUrls } from './supercluster.js';

interface LocalExtras {
  found: FoundService[];
  jetstream?: JetStreamView;
  /** Requests and errors by services framework id. */
  stats: Map<string, ServiceCounts>;
}

/** Nothing when no server takes the connection (the whole sandbox is down): the rest of status still reports. */
export async function observeExtras(topo: Topology, state: LocalState, credentials: Credentials, waitMs = 1000): Promise<LocalExtras> {
  const nc = await connect({
    ...connectionFromEnv(
      clientEnvFor(
        credentials,
        'admin',
        topo.names.flatMap((dc) => regionClientUrls(topo, state, dc)),
      ),
      'sandbox-observe',
    ),
    timeout: 2000,
    maxReconnectAttempts: 0,
  }).catch(() => undefined);
  if (!nc) return { found: [], stats: new Map() };
  try {
    const [found, jetstream, stats] = await Promise.all([
      discoverServices(nc, 1500).catch(() => []),
      observeJetStream(nc, waitMs).catch(() => undefined),
      serviceStats(nc, waitMs).catch(() => new Map<string, ServiceCounts>()),
    ]);
    return { found, ...(jetstream ? { jetstream } : {}), stats };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
