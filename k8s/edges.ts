// Edge sites on Kubernetes, the hub side and the names. Pure. The model is nats/edges.ts (which
// servers listen, which an edge dials, in which order); this file only says where those are in a
// cluster: each region's seed servers listen on the chart's leafnode port behind the region's
// haproxy ingress, and an edge site is one more release of the nats chart in its hub's cluster,
// in the `nats` namespace (it mounts the cluster's server certificate, which the hubs map to the
// application account, exactly as the local edge presents the sandbox's server.crt).

import { UsageError } from '../core/errors.js';
import { KUBERNETES_LEAFNODE_PORT } from '../nats/addressing.js';
import type { ConfValue } from '../nats/conf.js';
import { hubLeafnodes, leafnodeListeners, leafnodeTargets } from '../nats/edges.js';
import type { AuthMode } from '../nats/jwt-auth.js';
import type { ServerTls } from '../nats/server-config.js';
import { type EdgeSite, releaseName, type ServerSpec, type Topology } from '../nats/topology.js';
import { NATS_OPAQUE_PORTS, natsFullname } from './names.js';
import { type HaproxyTcp, tcpRoute } from './nats-manifests.js';
import type { HaproxyPin } from './upstream.js';

/**
 * Helm release of an edge site: `<edge>-leaf`, so its fullname `<edge>-leaf-nats` makes pod
 * `<edge>-leaf-nats-0`, the model's server name (edgeServerName). No region's release can have it:
 * the model refuses an edge whose server name a region's server has.
 */
export function edgeReleaseName(edge: Pick<EdgeSite, 'name'>): string {
  return `${edge.name}-leaf`;
}

/** What edge sites on Kubernetes are not yet (three servers, operator mode): refused before anything runs. */
export function refuseUnbuiltEdges(topo: Topology, provider: string, auth: AuthMode = 'mtls'): void {
  // The chart's hub listener maps the servers' certificate to APP (verify_and_map): in operator
  // mode nats-server refuses users there, and the edge would need its leafnode creds in a Secret.
  if (auth === 'jwt' && topo.edges.length)
    throw new UsageError(
      `edge sites (${topo.edges.map((e) => e.name).join(', ')}) in operator mode run on the local provider so far; on ${provider} use them with mTLS (drop --auth jwt), or use --provider local`,
    );
  const clusters = topo.edges.filter((e) => e.servers.length > 1);
  if (clusters.length)
    throw new UsageError(
      `edge site(s) ${clusters.map((e) => `${e.name} (${e.servers.length} servers)`).join(', ')}: on ${provider} an edge site is one server so far; name it with one server, or use --provider local`,
    );
}

/** The JetStream volume claim of an edge site's pod (the chart's pvc name `<fullname>-js`, then the pod). */
export function edgeVolumeClaim(edge: Pick<EdgeSite, 'name'>): string {
  const fullname = natsFullname(edgeReleaseName(edge));
  return `${fullname}-js-${fullname}-0`;
}

/** The edge sites whose hub is `datacenter`: their releases run in its cluster. */
export function edgesHubbedIn(topo: Topology, datacenter: string): EdgeSite[] {
  return topo.edges.filter((e) => e.hub === datacenter);
}

/** Whether `datacenter`'s seed servers listen for leafnodes (every region, once the sandbox has edge sites). */
export function listensForLeafnodes(topo: Topology, datacenter: string): boolean {
  return leafnodeListeners(topo).some((s) => s.datacenter === datacenter);
}

/**
 * The leafnodes block of a server of a Kubernetes release, when it is a listener: the local
 * provider's block (hubLeafnodes: TLS, the servers' certificate mapped to the application account)
 * on the chart's port, with `no_advertise`, which the chart always writes and which is right here:
 * the pods' own addresses mean nothing to an edge that comes in through the ingress.
 */
export function kubeHubLeafnodes(topo: Topology, server: ServerSpec, tls: ServerTls | undefined): Record<string, ConfValue> | undefined {
  if (!leafnodeListeners(topo).some((s) => s.name === server.name)) return undefined;
  if (!tls) throw new Error(`${server.name}: edge sites need the servers' certificate (mTLS); their leafnodes log in with it`);
  return { ...hubLeafnodes(`0.0.0.0:${KUBERNETES_LEAFNODE_PORT}`, tls), no_advertise: true };
}

/**
 * The leafnode URLs an edge site dials: its hub's listeners, then its fallback region's, in the
 * model's order (leafnodeTargets), each region once, as its ingress (haproxy passes the TLS
 * through to the seed servers, so the certificate the edge checks is theirs).
 */
export function edgeRemoteUrls(topo: Topology, edge: EdgeSite, ingressHost: (datacenter: string) => string): string[] {
  return [...new Set(leafnodeTargets(topo, edge).map((s) => `tls://${ingressHost(s.datacenter)}:${KUBERNETES_LEAFNODE_PORT}`))];
}

/** The haproxy TCP route of the leafnode port to the region's seed servers, when they listen. */
export function leafnodeTcpRoutes(topo: Topology, datacenter: string, pin: HaproxyPin): HaproxyTcp[] {
  if (!listensForLeafnodes(topo, datacenter)) return [];
  return [tcpRoute(pin, 'nats-leafnodes', KUBERNETES_LEAFNODE_PORT, natsFullname(releaseName(datacenter, 'seed')))];
}

/** The haproxy service's extra TCP port for leafnodes (controller.service.tcpPorts), when the region listens. */
export function leafnodeIngressPorts(topo: Topology, datacenter: string): { name: string; port: number; targetPort: number }[] {
  return listensForLeafnodes(topo, datacenter)
    ? [{ name: 'nats-leafnodes', port: KUBERNETES_LEAFNODE_PORT, targetPort: KUBERNETES_LEAFNODE_PORT }]
    : [];
}

/**
 * The NATS ports linkerd treats as opaque: the leafnode port as well once the sandbox has edge
 * sites (leafnodes are NATS: the server speaks first). Without edges the list stays as it was, so
 * no pod template changes and nothing rolls.
 */
export function natsOpaquePorts(topo: Topology): string {
  return topo.edges.length ? `${NATS_OPAQUE_PORTS},${KUBERNETES_LEAFNODE_PORT}` : NATS_OPAQUE_PORTS;
}
