// Port plan of the local provider: four loopback ports per server, in slots of four from a base.
// Pure. A server keeps its slot across runs, so adding a cluster never moves running servers.
import { UsageError } from '../../core/errors.js';
import type { ListenPorts } from '../../nats/addressing.js';

const PORTS_PER_SERVER = 4;

export type PortMap = Record<string, ListenPorts>;

function slotPorts(base: number, slot: number): ListenPorts {
  const p = base + slot * PORTS_PER_SERVER;
  return { client: p, cluster: p + 1, gateway: p + 2, monitor: p + 3 };
}

/** Where Linux starts handing out the local ports of outgoing connections (ip_local_port_range). */
const EPHEMERAL_START = 32768;

/** The highest base to suggest: every port below the ephemeral range when they fit there. */
function suggestedHighest(servers: number): number {
  const belowEphemeral = EPHEMERAL_START - servers * PORTS_PER_SERVER;
  return belowEphemeral >= 1024 ? belowEphemeral : 65535 - servers * PORTS_PER_SERVER;
}

/**
 * Assign ports to `servers`. Servers in `previous` keep their ports when they still fit the base;
 * new servers take the lowest free slots.
 */
export function assignPorts(servers: readonly string[], base: number, previous: PortMap = {}): PortMap {
  const highestBase = 65535 - servers.length * PORTS_PER_SERVER;
  if (!Number.isInteger(base) || base < 1024 || base > highestBase) {
    const why =
      highestBase < 1024
        ? `${servers.length} servers need ${servers.length * PORTS_PER_SERVER} ports, more than there are above 1024: use fewer replicas or names`
        : `port base ${base} does not fit ${servers.length} servers (4 ports each): set LOCAL_PORT_BASE between 1024 and ${suggestedHighest(servers.length)}${
            suggestedHighest(servers.length) < highestBase
              ? ` (the servers' ports below ${EPHEMERAL_START}, where Linux hands out the local ends of outgoing connections)`
              : ''
          }`;
    throw new UsageError(why);
  }
  const plan: PortMap = {};
  const used = new Set<number>();
  for (const name of servers) {
    const old = previous[name];
    if (!old) continue;
    const slot = (old.client - base) / PORTS_PER_SERVER;
    if (Number.isInteger(slot) && slot >= 0 && !used.has(slot)) {
      plan[name] = slotPorts(base, slot);
      used.add(slot);
    }
  }
  let next = 0;
  for (const name of servers) {
    if (plan[name]) continue;
    while (used.has(next)) next++;
    plan[name] = slotPorts(base, next);
    used.add(next);
  }
  const highest = Math.max(...allPorts(plan));
  if (highest > 65535) throw new UsageError(`the port plan from base ${base} reaches ${highest}; pick a lower LOCAL_PORT_BASE`);
  return plan;
}

export function allPorts(plan: PortMap): number[] {
  return Object.values(plan).flatMap((p) => [p.client, p.cluster, p.gateway, p.monitor]);
}

/**
 * The port map's key of a server's leafnode listener: a slot of its own (its `client` port), so
 * adding edge sites to a sandbox moves no port a server already has.
 */
export function leafnodeKey(server: string): string {
  return `${server}/leafnodes`;
}

/**
 * The port map's key of a server's websocket listener (operator mode): a slot of its own, as the
 * leafnode listener's, so turning websockets on moves no port a server already has.
 */
export function websocketKey(server: string): string {
  return `${server}/websocket`;
}

/** Whether a port map key is a listener's slot (`<server>/<listener>`), not a server's. */
export function isListenerKey(key: string): boolean {
  return key.includes('/');
}
