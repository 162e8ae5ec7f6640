// What plan.json holds: the names, replicas and port assignment a local sandbox was made with,
// and its WAN layer. state.ts reads and writes it; rebuild-state.ts makes it again from the servers.
import type { EdgeName, Role } from '../../nats/topology.js';
import type { PortMap } from './ports.js';
import type { RttTable } from './wan/spec.js';

export interface LocalState {
  version: 1;
  names: string[];
  replicas: Record<Role, number>;
  portBase: number;
  ports: PortMap;
  /** Edge sites (name and hub region), when the sandbox has any. */
  edges?: EdgeName[];
  /** Round trip per pair of regions through the WAN layer (cluster/local/wan/spec.ts); absent: regions linked directly. */
  wan?: RttTable;
  /** Ports of the WAN links (cluster/local/wan/layout.ts), while the layer is on. */
  links?: Record<string, number>;
  /** Operator mode (--auth jwt); absent: clients mapped by certificate (mTLS). */
  auth?: 'jwt';
}
