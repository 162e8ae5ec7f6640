// Settings of the Kubernetes path (k3d and kube providers), read from the environment/.env in this
// one place. The defaults are the pinned versions documented in .env.example (a test keeps the
// two equal).
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../scripts/lib/args.js';
import { PROJECT_ROOT } from '../scripts/lib/settings.js';

export const CHART_VERSION_DEFAULTS = {
  CERT_MANAGER_CHART_VERSION: 'v1.17.4',
  TRUST_MANAGER_CHART_VERSION: 'v0.18.0',
  LINKERD_CHART_VERSION: '2026.8.3',
  KUBE_PROMETHEUS_STACK_CHART_VERSION: '88.5.3',
  HAPROXY_INGRESS_CHART_VERSION: '1.52.1',
  NATS_CHART_VERSION: '2.14.2',
} as const;

export type ChartVersionSetting = keyof typeof CHART_VERSION_DEFAULTS;

export const KUBE_DEFAULTS = {
  K3D_CONFIG: 'cluster/k3d-cluster.yaml',
  HELM_TIMEOUT: '10m',
  KUBE_WAIT_SECONDS: '600',
  NATS_STORAGE_CLASS: '',
} as const;

export interface KubeSettings {
  chartVersions: Record<ChartVersionSetting, string>;
  /** Absolute path of the k3d cluster config file. */
  k3dConfig: string;
  /** helm --timeout for every release. */
  helmTimeout: string;
  /** How long to wait for certificates, LoadBalancer addresses and NATS pods. */
  waitSeconds: number;
  /** Storage class of the NATS JetStream volumes; empty: the cluster default. */
  natsStorageClass?: string;
  /** SERVICES_IMAGE: the services image a kube cluster pulls (k3d builds and imports its own). */
  servicesImage?: string;
  /** RECORDER_CLUSTER: where MySQL and the recorder run (default: the first name). */
  recorderCluster?: string;
}

const VERSION = /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/;
const DURATION = /^\d+(s|m|h)$/;
/** [registry/]repository[:tag][@digest], lower case repository: what a container image field takes. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export function readKubeSettings(env: NodeJS.ProcessEnv): KubeSettings {
  const value = (name: string, fallback: string) => (env[name] === undefined || env[name] === '' ? fallback : env[name]!);
  const chartVersions = {} as Record<ChartVersionSetting, string>;
  for (const [name, fallback] of Object.entries(CHART_VERSION_DEFAULTS) as [ChartVersionSetting, string][]) {
    const v = value(name, fallback);
    if (!VERSION.test(v)) throw new UsageError(`${name} must be a chart version such as ${fallback}; got '${v}'`);
    chartVersions[name] = v;
  }
  const helmTimeout = value('HELM_TIMEOUT', KUBE_DEFAULTS.HELM_TIMEOUT);
  if (!DURATION.test(helmTimeout)) throw new UsageError(`HELM_TIMEOUT must be a duration such as 10m or 600s; got '${helmTimeout}'`);
  const wait = value('KUBE_WAIT_SECONDS', KUBE_DEFAULTS.KUBE_WAIT_SECONDS);
  const waitSeconds = Number(wait);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1) throw new UsageError(`KUBE_WAIT_SECONDS must be a whole number >= 1; got '${wait}'`);
  const k3dConfig = value('K3D_CONFIG', KUBE_DEFAULTS.K3D_CONFIG);
  const storageClass = value('NATS_STORAGE_CLASS', KUBE_DEFAULTS.NATS_STORAGE_CLASS);
  const servicesImage = value('SERVICES_IMAGE', '');
  if (servicesImage && !IMAGE.test(servicesImage)) throw new UsageError(`SERVICES_IMAGE must be an image reference such as registry.example.com/nats-sandbox-services:1.0; got '${servicesImage}'`);
  const recorderCluster = value('RECORDER_CLUSTER', '');
  return {
    chartVersions,
    k3dConfig: isAbsolute(k3dConfig) ? k3dConfig : resolve(PROJECT_ROOT, k3dConfig),
    helmTimeout,
    waitSeconds,
    ...(storageClass ? { natsStorageClass: storageClass } : {}),
    ...(servicesImage ? { servicesImage } : {}),
    ...(recorderCluster ? { recorderCluster } : {}),
  };
}
