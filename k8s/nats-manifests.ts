// The NATS objects next to the helm releases: haproxy TCP routes into the regional cluster
// (gateways to the gw servers, clients to the seed servers), the local name of this cluster's
// xr-js service, and the Secret the servers read credentials and routes from.
import { Secret, Service } from 'kubernetes-models/v1';
import { KUBERNETES_PORTS } from '../nats/addressing.js';
import { releaseName, STRETCHED_CLUSTER } from '../nats/topology.js';
import { NAMESPACES, NATS_OPAQUE_PORTS, NATS_SECRET, natsFullname } from './names.js';
import { base64Data, type K8sObject, plain } from './objects.js';
import type { HaproxyPin } from './upstream.js';

/**
 * haproxy kubernetes-ingress TCP custom resource as controller 3.x installs it
 * (ingress.v3.haproxy.org/v3, kind TCP; crs/definition/ingress.v3.haproxy.org_tcps.yaml):
 * `binds` is a map from bind name to bind.
 */
export interface HaproxyTcp extends K8sObject {
  apiVersion: HaproxyPin['tcpApiVersion'];
  kind: 'TCP';
  spec: {
    name: string;
    frontend: { name: string; tcplog?: boolean; binds: Record<string, { name: string; port: number }> };
    service: { name: string; port: number };
  }[];
}

/** One TCP route: haproxy listens on `port` and passes the connection to `service`:`port`. */
export function tcpRoute(pin: HaproxyPin, name: string, port: number, service: string): HaproxyTcp {
  const bind = `${name}-bind`;
  return {
    apiVersion: pin.tcpApiVersion,
    kind: 'TCP',
    metadata: { name, namespace: NAMESPACES.nats, annotations: { 'ingress.class': 'haproxy' } },
    spec: [{ name, frontend: { name, tcplog: true, binds: { [bind]: { name: bind, port } } }, service: { name: service, port } }],
  };
}

/** Ports haproxy listens on for NATS (and exposes on its LoadBalancer service). */
export const INGRESS_TCP_PORTS = { gateway: KUBERNETES_PORTS.gateway, client: KUBERNETES_PORTS.client } as const;

/** The TCP routes of a datacenter, in the format of the pinned chart's controller (`pin`: see haproxyPin). */
export function haproxyTcpRoutes(datacenter: string, pin: HaproxyPin): HaproxyTcp[] {
  return [
    tcpRoute(pin, 'nats-gateway', INGRESS_TCP_PORTS.gateway, natsFullname(releaseName(datacenter, 'gw'))),
    tcpRoute(pin, 'nats-client', INGRESS_TCP_PORTS.client, natsFullname(releaseName(datacenter, 'seed'))),
  ];
}

/**
 * `xr-js-nats-<datacenter>` for this cluster's own xr-js servers. linkerd mirrors the other
 * clusters' `xr-js-nats` under exactly that name, so `xr-js-nats-<dc>` reaches dc's xr-js servers
 * from every cluster, this one included.
 */
export function xrJsLocalService(datacenter: string): K8sObject {
  const fullname = natsFullname(STRETCHED_CLUSTER);
  const port = (name: string, number: number, appProtocol = 'tcp') => ({ name, port: number, targetPort: name, appProtocol });
  return plain(
    new Service({
      metadata: {
        name: `${fullname}-${datacenter}`,
        namespace: NAMESPACES.nats,
        annotations: { 'config.linkerd.io/opaque-ports': NATS_OPAQUE_PORTS },
      },
      spec: {
        type: 'ClusterIP',
        selector: {
          'app.kubernetes.io/name': 'nats',
          'app.kubernetes.io/instance': STRETCHED_CLUSTER,
          'app.kubernetes.io/component': 'nats',
        },
        ports: [
          port('nats', KUBERNETES_PORTS.client),
          port('cluster', KUBERNETES_PORTS.cluster),
          port('gateway', KUBERNETES_PORTS.gateway),
          port('monitor', KUBERNETES_PORTS.monitor, 'http'),
        ],
      },
    }),
  );
}

/** Made at install time from generated credentials; never written to a file. */
export function natsCredentialsSecret(data: Record<string, string>): K8sObject {
  return plain(new Secret({ metadata: { name: NATS_SECRET, namespace: NAMESPACES.nats }, type: 'Opaque', data: base64Data(data) }));
}
