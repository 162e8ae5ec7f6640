// Where servers are reached. This is the only thing that differs between providers:
// the topology, accounts and JetStream layout are the same everywhere.
import type { ServerSpec, Topology } from './topology.js';
import { clusterByName, serverByName } from './topology.js';

export interface ListenPorts {
  client: number;
  cluster: number;
  gateway: number;
  monitor: number;
}

export interface Addressing {
  /** Interface the server binds to (undefined: the server's default, all interfaces). */
  host?: string;
  ports(server: ServerSpec): ListenPorts;
  /** Route URL peers dial to reach `server` (without credentials). */
  routeUrl(server: ServerSpec): string;
  /** Route address the server advertises to its peers, if it differs from its own. */
  routeAdvertise?(server: ServerSpec): string | undefined;
  /** Gateway URL other NATS clusters dial to reach `server` (without credentials). */
  gatewayUrl(server: ServerSpec): string;
  /** Gateway address the server advertises to other clusters, if it differs from its own. */
  gatewayAdvertise(server: ServerSpec): string | undefined;
  /** Client URL for tools and services. */
  clientUrl(server: ServerSpec): string;
}

export const LOOPBACK = '127.0.0.1';

/**
 * Local provider: every server on loopback with its own ports. Regional servers advertise the
 * gateway address of one of their cluster's gw servers, as the Kubernetes ingress does, so
 * inbound gateway connections land on gw servers.
 */
export function localAddressing(topo: Topology, portsOf: (name: string) => ListenPorts): Addressing {
  const gatewayHost = (s: ServerSpec) => `${LOOPBACK}:${portsOf(s.name).gateway}`;
  return {
    host: LOOPBACK,
    ports: (s) => portsOf(s.name),
    routeUrl: (s) => `nats://${LOOPBACK}:${portsOf(s.name).cluster}`,
    gatewayUrl: (s) => `nats://${gatewayHost(s)}`,
    gatewayAdvertise(s) {
      const cluster = clusterByName(topo, s.cluster);
      if (cluster.gatewayServers.includes(s.name)) return gatewayHost(s);
      const gws = cluster.gatewayServers;
      return gatewayHost(serverByName(topo, gws[s.index % gws.length]!));
    },
    clientUrl: (s) => `nats://${LOOPBACK}:${portsOf(s.name).client}`,
  };
}

/** Put user:password into a nats:// URL. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString().replace(/\/$/, '');
}

// --- Kubernetes (k3d and kube providers) --------------------------------------------------------

/** Every NATS pod listens on the chart's standard ports. */
export const KUBERNETES_PORTS: Readonly<ListenPorts> = { client: 4222, cluster: 6222, gateway: 7222, monitor: 8222 };

/**
 * Where a hub region's seed servers listen for edge sites' leafnode connections (the nats chart's
 * config.leafnodes.port default), and where its haproxy ingress takes them.
 */
export const KUBERNETES_LEAFNODE_PORT = 7422;

/** Statefulset (and service) name of a server's release: the chart's fullname. */
function statefulSetOf(server: ServerSpec): string {
  return `${server.release}-nats`;
}

/** k3d: the other clusters reach a regional cluster's gateways on the node haproxy is exposed on. */
export function k3dIngressHost(datacenter: string): string {
  return `k3d-${datacenter}-agent-0`;
}

/**
 * Kubernetes, as seen from the pods of one datacenter (`viewFrom`). Routes go to the pods'
 * headless-service names; xr-js members in other datacenters through the linkerd-mirrored headless
 * service `xr-js-nats-headless-<datacenter>`. A regional cluster's gateways are reached through its
 * haproxy ingress (`ingressHost`: k3d node name, or the LoadBalancer address found at install time),
 * which lands on its gw servers; the stretched cluster in-cluster at `xr-js-nats:7222`, which every
 * xr-js server also advertises, so gossiped gateway URLs stay inside each datacenter.
 */
export function kubernetesAddressing(viewFrom: string, ingressHost: (datacenter: string) => string): Addressing {
  const gatewayHost = (s: ServerSpec) =>
    s.role === 'xr' ? `${statefulSetOf(s)}:${KUBERNETES_PORTS.gateway}` : `${ingressHost(s.datacenter)}:${KUBERNETES_PORTS.gateway}`;
  return {
    ports: () => ({ ...KUBERNETES_PORTS }),
    routeUrl(s) {
      const sts = statefulSetOf(s);
      const headless = s.role === 'xr' && s.datacenter !== viewFrom ? `${sts}-headless-${s.datacenter}` : `${sts}-headless`;
      return `nats://${sts}-${s.index}.${headless}:${KUBERNETES_PORTS.cluster}`;
    },
    gatewayUrl: (s) => `nats://${gatewayHost(s)}`,
    gatewayAdvertise: (s) => gatewayHost(s),
    clientUrl: (s) => `nats://${statefulSetOf(s)}:${KUBERNETES_PORTS.client}`,
  };
}
