// What the pinned chart versions decide, read from their upstream sources and written down once:
// the API group of haproxy's TCP resource, and which upstream CRD files (stored as test fixtures,
// with their provenance; test/support/refresh-upstream.ts downloads them) describe the custom resources we
// render, and which Kubernetes API documents the core objects. A pin the code does not know fails
// loudly, naming the pin and the versions it knows: a new chart version may change a format, and
// nobody has checked it yet.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { UsageError } from '../core/errors.js';
import type { ChartVersionSetting, KubeSettings } from '../core/settings.js';
import { type ApiDocument, apiDocument, OBJECT_META } from './api-schema.js';
import { crdVersions } from './crd-schema.js';
import type { KindSchema } from './kind-schema.js';

/** Where the upstream files are kept (relative to the repository root). */
export const UPSTREAM_DIR = 'test/fixtures/upstream';

export interface UpstreamFile {
  /** Path under UPSTREAM_DIR. */
  file: string;
  repository: string;
  tag: string;
  path: string;
}

export interface HaproxyPin {
  /** appVersion of the chart: the controller that installs its own CRDs (the chart has no crds/). */
  controller: string;
  /** The only TCP API the controller installs (crs/definition/embed.go): v3, where `binds` is a map. */
  tcpApiVersion: 'ingress.v3.haproxy.org/v3';
  crds: UpstreamFile[];
}

/** haproxytech/helm-charts kubernetes-ingress/Chart.yaml at tag kubernetes-ingress-<pin>. */
export const HAPROXY_PINS: Record<string, HaproxyPin> = {
  '1.52.1': {
    controller: '3.2.12',
    tcpApiVersion: 'ingress.v3.haproxy.org/v3',
    // v3.2.12 is not tagged in the source snapshot we read; the file is the same from v3.2.11 to
    // the head of the v3.2 branch, which is after 3.2.12.
    crds: [
      {
        file: 'haproxytech-kubernetes-ingress/v3.2.11/ingress.v3.haproxy.org_tcps.yaml',
        repository: 'haproxytech/kubernetes-ingress',
        tag: 'v3.2.11',
        path: 'crs/definition/ingress.v3.haproxy.org_tcps.yaml',
      },
    ],
  },
};

/** kube-prometheus-stack installs prometheus-operator's CRDs from its crds subchart. */
export const KUBE_PROMETHEUS_STACK_PINS: Record<string, { operator: string; crds: UpstreamFile[] }> = {
  '88.5.3': {
    operator: 'v0.93.1',
    crds: ['podmonitors', 'servicemonitors'].map((kind) => ({
      file: `kube-prometheus-stack/88.5.3/crd-${kind}.yaml`,
      repository: 'prometheus-community/helm-charts',
      tag: 'kube-prometheus-stack-88.5.3',
      path: `charts/kube-prometheus-stack/charts/crds/crds/crd-${kind}.yaml`,
    })),
  },
};

/** cert-manager/cert-manager deploy/crds at tag <pin>: the chart's templates/crds.yaml is these files concatenated (make/manifests.mk). */
export const CERT_MANAGER_PINS: Record<string, { crds: UpstreamFile[] }> = {
  'v1.17.4': {
    crds: ['certificates', 'issuers', 'clusterissuers'].map((kind) => ({
      file: `cert-manager/v1.17.4/crd-${kind}.yaml`,
      repository: 'cert-manager/cert-manager',
      tag: 'v1.17.4',
      path: `deploy/crds/crd-${kind}.yaml`,
    })),
  },
};

/**
 * cert-manager/trust-manager at tag <pin>: the Bundle CRD as controller-gen writes it (deploy/crds);
 * the chart's templates/crd-trust.cert-manager.io_bundles.yaml is the same CRD wrapped in helm
 * conditionals, so not YAML until rendered.
 */
export const TRUST_MANAGER_PINS: Record<string, { crds: UpstreamFile[] }> = {
  'v0.18.0': {
    crds: [
      {
        file: 'trust-manager/v0.18.0/trust.cert-manager.io_bundles.yaml',
        repository: 'cert-manager/trust-manager',
        tag: 'v0.18.0',
        path: 'deploy/crds/trust.cert-manager.io_bundles.yaml',
      },
    ],
  },
};

/**
 * The Kubernetes API the core objects are checked against: its own OpenAPI v3 documents
 * (kubernetes/kubernetes api/openapi-spec/v3, branch release-1.35) as kubectl-validate stores them
 * for 1.35, byte for byte (its cmd/download-builtin-schemas). One per group version we render.
 * Not a setting: the clusters run whatever Kubernetes k3d or the kube cluster brings.
 */
export const KUBERNETES_API = {
  version: '1.35',
  files: (
    [
      ['v1', 'api/v1'],
      ['apps/v1', 'apis/apps/v1'],
      ['batch/v1', 'apis/batch/v1'],
      ['rbac.authorization.k8s.io/v1', 'apis/rbac.authorization.k8s.io/v1'],
    ] as const
  ).map(([apiVersion, path]) => ({
    apiVersion,
    file: `kubernetes/1.35/${path.replaceAll('/', '__')}_openapi.json`,
    repository: 'kubernetes-sigs/kubectl-validate',
    tag: 'a97ccfaca20b164819afdae780392496f6ed6bbd',
    path: `pkg/openapiclient/builtins/1.35/${path}.json`,
  })),
};

export interface NatsChartPin {
  /** Chart.yaml and values.yaml of the chart, stored as fixtures. */
  files: UpstreamFile[];
}

/** nats-io/k8s at tag nats-<pin>: helm/charts/nats/Chart.yaml (appVersion) and values.yaml (container.image). */
export const NATS_CHART_PINS: Record<string, NatsChartPin> = {
  '2.14.2': {
    files: ['Chart.yaml', 'values.yaml'].map((name) => ({
      file: `nats-chart/2.14.2/${name}`,
      repository: 'nats-io/k8s',
      tag: 'nats-2.14.2',
      path: `helm/charts/nats/${name}`,
    })),
  },
};

export interface LinkerdPin {
  /** The linkerd CLI release whose `multicluster link-gen` matches these charts. */
  cli: string;
  /**
   * proxy.opaquePorts of linkerd-control-plane's values.yaml: the control plane's default opaque
   * ports, used for every destination without its own annotation (linkerd's per-pod mirrors of a
   * headless service have none: multicluster/service-mirror/cluster_watcher_headless.go,
   * createEndpointMirrorService) and for addresses outside the cluster (a gateway dialled at a node).
   */
  defaultOpaquePorts: string;
  /** Flags of `linkerd multicluster link-gen` (multicluster/cmd/link.go) the stages pass. */
  linkGenFlags: readonly string[];
}

/** linkerd/linkerd2 at tag edge-<pin as yy.m.d>: charts/linkerd-control-plane/values.yaml, multicluster/cmd/link.go. */
export const LINKERD_PINS: Record<string, LinkerdPin> = {
  '2026.8.3': {
    cli: 'edge-26.8.3',
    defaultOpaquePorts: '25,587,3306,4444,5432,6379,9300,11211',
    linkGenFlags: ['--cluster-name', '--api-server-address', '--gateway-addresses'],
  },
};

function pinned<T>(table: Record<string, T>, setting: ChartVersionSetting, settings: Pick<KubeSettings, 'chartVersions'>): T {
  const version = settings.chartVersions[setting];
  const known = table[version];
  if (!known)
    throw new UsageError(
      `${setting}=${version} is a version this code has not been checked against; it knows ${Object.keys(table).join(', ')}. ` +
        "Set one of those, or check the new version's upstream formats and add it to k8s/upstream.ts.",
    );
  return known;
}

export function haproxyPin(settings: Pick<KubeSettings, 'chartVersions'>): HaproxyPin {
  return pinned(HAPROXY_PINS, 'HAPROXY_INGRESS_CHART_VERSION', settings);
}

export function natsChartPin(settings: Pick<KubeSettings, 'chartVersions'>): NatsChartPin {
  return pinned(NATS_CHART_PINS, 'NATS_CHART_VERSION', settings);
}

export function linkerdPin(settings: Pick<KubeSettings, 'chartVersions'>): LinkerdPin {
  return pinned(LINKERD_PINS, 'LINKERD_CHART_VERSION', settings);
}

/**
 * `linkerd multicluster link-gen` for the link to `cluster`, with only flags the pinned CLI has.
 * `where`: the API server and gateway address the other clusters reach it at, when the defaults
 * (from the kubeconfig and the gateway's LoadBalancer) do not reach (k3d).
 */
export function linkGenCommand(pin: LinkerdPin, cluster: string, where?: { apiServer: string; gateway: string }): string[] {
  const flags: [string, string][] = [['--cluster-name', cluster]];
  if (where) flags.push(['--api-server-address', where.apiServer], ['--gateway-addresses', where.gateway]);
  for (const [flag] of flags)
    if (!pin.linkGenFlags.includes(flag)) throw new Error(`linkerd ${pin.cli} multicluster link-gen has no ${flag} flag`);
  return ['linkerd', 'multicluster', 'link-gen', ...flags.flat()];
}

/** Every upstream CRD file the rendered custom resources are checked against, for these pins. */
export function upstreamCrdFiles(settings: Pick<KubeSettings, 'chartVersions'>): UpstreamFile[] {
  return [
    ...pinned(CERT_MANAGER_PINS, 'CERT_MANAGER_CHART_VERSION', settings).crds,
    ...pinned(TRUST_MANAGER_PINS, 'TRUST_MANAGER_CHART_VERSION', settings).crds,
    ...haproxyPin(settings).crds,
    ...pinned(KUBE_PROMETHEUS_STACK_PINS, 'KUBE_PROMETHEUS_STACK_CHART_VERSION', settings).crds,
  ];
}

/** Every file stored under UPSTREAM_DIR, of every known pin (what the refresh downloads). */
export function allUpstreamFiles(): UpstreamFile[] {
  return [
    ...[CERT_MANAGER_PINS, TRUST_MANAGER_PINS, HAPROXY_PINS, KUBE_PROMETHEUS_STACK_PINS].flatMap((table) =>
      Object.values(table).flatMap((p) => p.crds),
    ),
    ...Object.values(NATS_CHART_PINS).flatMap((p) => p.files),
    ...KUBERNETES_API.files,
  ];
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const loaded = new Map<string, KindSchema[]>();

/** The CRD versions of these pins, read from the stored upstream files (once per process). */
export function upstreamCrds(settings: Pick<KubeSettings, 'chartVersions'>): KindSchema[] {
  return upstreamCrdFiles(settings).flatMap((f) => {
    let versions = loaded.get(f.file);
    if (!versions) {
      const source = `${f.repository}@${f.tag}:${f.path}`;
      versions = crdVersions(readFileSync(join(ROOT, UPSTREAM_DIR, f.file), 'utf8'), source);
      loaded.set(f.file, versions);
    }
    return versions;
  });
}

const documents = new Map<string, ApiDocument>();

/** The stored API document of a group version (apiVersion), read once per process; undefined when none is stored. */
function kubernetesApiDocument(apiVersion: string): ApiDocument | undefined {
  const f = KUBERNETES_API.files.find((x) => x.apiVersion === apiVersion);
  if (!f) return undefined;
  let doc = documents.get(f.file);
  if (!doc) {
    const source = `${f.repository}@${f.tag}:${f.path}`;
    doc = apiDocument(readFileSync(join(ROOT, UPSTREAM_DIR, f.file), 'utf8'), source, `kubernetes-${KUBERNETES_API.version}`);
    documents.set(f.file, doc);
  }
  return doc;
}

/** A core kind of the stored Kubernetes API (e.g. apps/v1 StatefulSet), or undefined. */
export function kubernetesApiKind(apiVersion: string, kind: string): KindSchema | undefined {
  return kubernetesApiDocument(apiVersion)?.kinds.find((k) => k.key === `${apiVersion}/${kind}`);
}

/** The API's ObjectMeta: what the API server decodes a custom resource's metadata as. */
export function objectMetaValidator(): ValidateFunction {
  return kubernetesApiDocument('v1')!.definition(OBJECT_META);
}
