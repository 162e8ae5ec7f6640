// What Prometheus scrapes besides the charts' own monitors: linkerd's control plane and proxies
// (linkerd-viz runs on the stack's Prometheus, which does not know them otherwise), and the NATS
// dashboards Grafana's sidecar provisions from a labelled ConfigMap.
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { natsDashboard } from './dashboards.js';
import { GRAFANA_ADMIN_SECRET, NAMESPACES, PROMETHEUS_RELEASE } from './names.js';
import { base64Data, type K8sObject, plain } from './objects.js';

/** prometheus-operator PodMonitor (monitoring.coreos.com/v1), the fields used here. */
export interface PodMonitor extends K8sObject {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PodMonitor';
  spec: {
    namespaceSelector: { any?: boolean; matchNames?: string[] };
    selector: { matchLabels?: Record<string, string> };
    /** No port: every container port is a target, and the relabelings choose. */
    podMetricsEndpoints: { port?: string; path?: string; interval?: string; relabelings?: Relabeling[] }[];
  };
}

export interface Relabeling {
  action: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop';
  sourceLabels?: string[];
  regex?: string;
  targetLabel?: string;
  replacement?: string;
}

function podMonitor(
  name: string,
  namespaceSelector: PodMonitor['spec']['namespaceSelector'],
  port: string | undefined,
  relabelings: Relabeling[],
): PodMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name, namespace: NAMESPACES.prometheus, labels: { app: 'linkerd', release: PROMETHEUS_RELEASE } },
    spec: { namespaceSelector, selector: {}, podMetricsEndpoints: [{ ...(port ? { port } : {}), relabelings }] },
  };
}

export function linkerdPodMonitors(): PodMonitor[] {
  return [
    // Control plane and extension components serve their metrics on ports named *-admin
    // (dest-admin, ident-admin, ctrl-admin for the multicluster controllers, ...): linkerd-viz's own
    // scrape config (linkerd/linkerd2 edge-26.8.3 viz/charts/linkerd-viz/templates/prometheus.yaml,
    // jobs linkerd-controller and linkerd-multicluster-controller) keeps .*admin$ but linkerd-admin.
    podMonitor('linkerd-controller', { matchNames: [NAMESPACES.linkerd, NAMESPACES.viz, NAMESPACES.multicluster] }, undefined, [
      { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: '.*admin$' },
      { action: 'drop', sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: 'linkerd-admin' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_container_name'], targetLabel: 'component' },
    ]),
    // Every meshed pod's proxy, labelled the way linkerd-viz queries it.
    podMonitor('linkerd-proxy', { any: true }, 'linkerd-admin', [
      {
        action: 'keep',
        sourceLabels: [
          '__meta_kubernetes_pod_container_name',
          '__meta_kubernetes_pod_container_port_name',
          '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns',
        ],
        regex: `^linkerd-proxy;linkerd-admin;${NAMESPACES.linkerd}$`,
      },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_linkerd_io_proxy_job'], targetLabel: 'k8s_job' },
      { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_job' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
      { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_(.+)' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)', replacement: '__tmp_pod_label_$1' },
      { action: 'labelmap', regex: '__tmp_pod_label_linkerd_io_(.+)', replacement: '__tmp_pod_label_$1' },
      { action: 'labeldrop', regex: '__tmp_pod_label_linkerd_io_(.+)' },
      { action: 'labelmap', regex: '__tmp_pod_label_(.+)' },
    ]),
  ];
}

/** Grafana's dashboard sidecar (kube-prometheus-stack default) loads ConfigMaps with this label. */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' };

export function natsDashboardsConfigMap(cluster: string): K8sObject {
  return plain(
    new ConfigMap({
      metadata: { name: 'nats-dashboards', namespace: NAMESPACES.prometheus, labels: DASHBOARD_LABEL },
      data: { 'nats-supercluster.json': JSON.stringify(natsDashboard(cluster), null, 2) },
    }),
  );
}

/** Grafana's admin login, generated at install time (the chart's default password is public). */
export function grafanaAdminSecret(password: string): K8sObject {
  return plain(
    new Secret({
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace: NAMESPACES.prometheus },
      type: 'Opaque',
      data: base64Data({ 'admin-user': 'admin', 'admin-password': password }),
    }),
  );
}
