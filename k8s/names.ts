// Names the Kubernetes path gives to namespaces, releases and resources. One place, so the stages,
// the renderers, delete and the tests agree.

export const NAMESPACES = {
  certManager: 'cert-manager',
  linkerd: 'linkerd',
  multicluster: 'linkerd-multicluster',
  viz: 'linkerd-viz',
  prometheus: 'prometheus',
  ingress: 'haproxy-ingress',
  nats: 'nats',
  /** The math services, the recorder, MySQL and the requester (stage 08). */
  services: 'math',
} as const;

/** kube-prometheus-stack release: its services are named after it (prometheus-grafana, ...). */
export const PROMETHEUS_RELEASE = 'prometheus';
export const PROMETHEUS_URL = `http://${PROMETHEUS_RELEASE}-kube-prometheus-prometheus.${NAMESPACES.prometheus}:9090`;
export const GRAFANA_SERVICE = `${PROMETHEUS_RELEASE}-grafana`;
/** Secret with the Grafana admin user and password, generated at install time. */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';

export const HAPROXY_RELEASE = 'haproxy-ingress';
/** The IngressClass the haproxy chart makes (controller.ingressClassResource.name, its default). */
export const HAPROXY_INGRESS_CLASS = 'haproxy';

/** The host name Grafana's Ingress answers to in a cluster. */
export function grafanaHost(cluster: string): string {
  return `grafana.${cluster}.local`;
}
/** The chart's fullname: release name + chart name. */
export const HAPROXY_SERVICE = `${HAPROXY_RELEASE}-kubernetes-ingress`;

export const LINKERD = {
  trustAnchor: 'linkerd-trust-anchor',
  identityIssuer: 'linkerd-identity-issuer',
  trustBundle: 'linkerd-identity-trust-roots',
  controlPlaneLabel: 'linkerd.io/is-control-plane',
} as const;

/** NATS ports linkerd must treat as opaque TCP (client, route, gateway, monitor). */
export const NATS_OPAQUE_PORTS = '4222,6222,7222,8222';

/** Secret in the nats namespace with the credentials and route lists the servers read from env. */
export const NATS_SECRET = 'nats-credentials';

/** Statefulset/service name of a NATS release (fullnameOverride keeps it independent of the release name). */
export function natsFullname(release: string): string {
  return `${release}-nats`;
}
