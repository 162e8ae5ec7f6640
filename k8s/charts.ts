// The helm charts the Kubernetes path installs: where they come from and which pinned version.
import type { ChartVersionSetting, KubeSettings } from '../core/settings.js';

export interface HelmRepo {
  name: string;
  url: string;
}

export const REPOS = {
  jetstack: { name: 'jetstack', url: 'https://charts.jetstack.io' },
  linkerdEdge: { name: 'linkerd-edge', url: 'https://helm.linkerd.io/edge' },
  prometheusCommunity: { name: 'prometheus-community', url: 'https://prometheus-community.github.io/helm-charts' },
  haproxytech: { name: 'haproxytech', url: 'https://haproxytech.github.io/helm-charts' },
  nats: { name: 'nats', url: 'https://nats-io.github.io/k8s/helm/charts/' },
} as const satisfies Record<string, HelmRepo>;

export interface ChartRef {
  repo: HelmRepo;
  name: string;
  version: ChartVersionSetting;
}

export const CHARTS = {
  certManager: { repo: REPOS.jetstack, name: 'cert-manager', version: 'CERT_MANAGER_CHART_VERSION' },
  trustManager: { repo: REPOS.jetstack, name: 'trust-manager', version: 'TRUST_MANAGER_CHART_VERSION' },
  linkerdCrds: { repo: REPOS.linkerdEdge, name: 'linkerd-crds', version: 'LINKERD_CHART_VERSION' },
  linkerdControlPlane: { repo: REPOS.linkerdEdge, name: 'linkerd-control-plane', version: 'LINKERD_CHART_VERSION' },
  linkerdMulticluster: { repo: REPOS.linkerdEdge, name: 'linkerd-multicluster', version: 'LINKERD_CHART_VERSION' },
  linkerdViz: { repo: REPOS.linkerdEdge, name: 'linkerd-viz', version: 'LINKERD_CHART_VERSION' },
  kubePrometheusStack: { repo: REPOS.prometheusCommunity, name: 'kube-prometheus-stack', version: 'KUBE_PROMETHEUS_STACK_CHART_VERSION' },
  haproxyIngress: { repo: REPOS.haproxytech, name: 'kubernetes-ingress', version: 'HAPROXY_INGRESS_CHART_VERSION' },
  nats: { repo: REPOS.nats, name: 'nats', version: 'NATS_CHART_VERSION' },
} as const satisfies Record<string, ChartRef>;

/** One helm release as a stage installs it, and as render.mjs writes it to releases.json. */
export interface HelmRelease {
  cluster: string;
  context: string;
  namespace: string;
  release: string;
  /** repo/name */
  chart: string;
  version: string;
  values: Record<string, unknown>;
  /** The repo the chart comes from (helm repo add). */
  repo: HelmRepo;
}

export function chartRelease(
  chart: ChartRef,
  settings: KubeSettings,
  r: { cluster: string; context: string; namespace: string; release: string; values: Record<string, unknown> },
): HelmRelease {
  return { ...r, chart: `${chart.repo.name}/${chart.name}`, version: settings.chartVersions[chart.version], repo: chart.repo };
}
