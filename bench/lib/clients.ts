// Connections to a bench's sandbox as one of its identities, from what the sandbox saved (its
// plan, credentials and client certificates): the same way its own services connect.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalState } from '../../cluster/local/state.js';
import { readLocalState } from '../../cluster/local/state.js';
import { localClientEnv, systemConnection } from '../../cluster/local/supercluster.js';
import { SandboxError } from '../../core/errors.js';
import { loadCredentials } from '../../core/secrets.js';
import type { Identity } from '../../nats/accounts.js';
import { type ClientEnv, connectionFromEnv } from '../../nats/live/client.js';
import { buildTopology, type Topology } from '../../nats/topology.js';

export interface SandboxTopology {
  plan: LocalState;
  topo: Topology;
}

/** The topology the sandbox runs now (read each time: a stage may have changed it). */
export function sandboxTopology(sandboxDir: string): SandboxTopology {
  const plan = readLocalState(sandboxDir);
  if (!plan) throw new SandboxError(`no local sandbox in ${sandboxDir}: its install did not get that far`);
  return { plan, topo: buildTopology(plan.names, { replicas: plan.replicas }) };
}

/** Where and as whom `identity` connects in `region`: its servers' URLs and its certificate folder. */
export function clientEnv(sandboxDir: string, identity: Identity, region: string): ClientEnv {
  const { plan, topo } = sandboxTopology(sandboxDir);
  return localClientEnv(topo, plan, loadCredentials(sandboxDir, {}, false), identity, region);
}

export function connectAs(sandboxDir: string, identity: Identity, region: string): Promise<NatsConnection> {
  return connect({ ...connectionFromEnv(clientEnv(sandboxDir, identity, region)), timeout: 5000 });
}

/** The system account, for the servers' own reports ($SYS.REQ.SERVER.PING.*). */
export function connectSystem(sandboxDir: string): Promise<NatsConnection> {
  const { plan, topo } = sandboxTopology(sandboxDir);
  return connect({ ...systemConnection(topo, plan, loadCredentials(sandboxDir, {}, false)), timeout: 5000 });
}
