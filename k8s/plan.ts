// Everything the Kubernetes stages apply to one cluster, as data: helm releases with their values
// and the manifests, grouped by stage. render.mjs writes it out; the stages apply the same plan.
// Objects that need live data (imported trust anchors, the previous anchor, the NATS and Grafana
// Secrets, linkerd links) are made at install time and are not part of it.

import { UsageError } from '../core/errors.js';
import type { KubeSettings } from '../core/settings.js';
import type { Identity } from '../nats/accounts.js';
import { kubernetesAddressing } from '../nats/addressing.js';
import type { JwtServerAuth } from '../nats/jwt-auth.js';
import type { Credentials, JetStreamLimits, StretchedRoutes } from '../nats/server-config.js';
import type { Topology } from '../nats/topology.js';
import { CHARTS, chartRelease, type HelmRelease } from './charts.js';
import { edgeReleaseValues } from './edge-values.js';
import { edgeReleaseName, edgesHubbedIn, leafnodeIngressPorts, leafnodeTcpRoutes, natsOpaquePorts } from './edges.js';
import { jetstreamApplyJob, jetstreamTimeoutSeconds } from './jetstream-job.js';
import { credsSecretName } from './jwt-auth.js';
import { identityIssuerCertificate, linkerdIssuers, trustBundle } from './linkerd-pki.js';
import { linkerdPodMonitors, natsDashboardsConfigMap } from './monitoring.js';
import {
  GRAFANA_ADMIN_SECRET,
  GRAFANA_SERVICE,
  grafanaHost,
  HAPROXY_INGRESS_CLASS,
  HAPROXY_RELEASE,
  NAMESPACES,
  NATS_OPAQUE_PORTS,
  NATS_SECRET,
  PROMETHEUS_RELEASE,
  PROMETHEUS_URL,
} from './names.js';
import { ingressNamespace, linkerdNamespace, natsNamespace, prometheusNamespace } from './namespaces.js';
import { haproxyTcpRoutes, INGRESS_TCP_PORTS, xrJsLocalService } from './nats-manifests.js';
import { NATS_SERVER_TLS_SECRET, natsPkiObjects, servicesPkiObjects } from './nats-pki.js';
import { type NatsValuesInput, natsReleaseValues } from './nats-values.js';
import { type K8sObject, plain } from './objects.js';
import { clientSecretName, renderServices, SERVICE_IDENTITIES, type ServicesObject, serviceIdentities } from './services.js';
import { type KubeTarget, pendingIngressHost } from './targets.js';
import { haproxyPin, linkerdPin } from './upstream.js';

export interface ManifestFile {
  /** File name under <cluster>/manifests/. */
  file: string;
  objects: K8sObject[];
}

export interface ClusterPlan {
  target: KubeTarget;
  /** natsPki: the CA Issuer and the NATS certificates, once the sandbox CA is stored in the cluster. */
  certs: { certManager: HelmRelease; trustManager: HelmRelease; natsPki: ManifestFile };
  linkerd: {
    namespace: ManifestFile;
    issuers: ManifestFile;
    identityIssuer: ManifestFile;
    trustBundle: ManifestFile;
    crds: HelmRelease;
    controlPlane: HelmRelease;
    multicluster: HelmRelease;
  };
  observability: { namespace: ManifestFile; stack: HelmRelease; dashboards: ManifestFile; viz: HelmRelease; monitors: ManifestFile };
  ingress: { namespace: ManifestFile; haproxy: HelmRelease };
  supercluster: { namespace: ManifestFile; nats: HelmRelease[]; tcpRoutes: ManifestFile; xrJsService: ManifestFile };
  /** Stage 07's Job, in the first cluster only (the spec is the supercluster's). */
  jetstream?: { job: ManifestFile };
  /**
   * Stage 08: the services namespace and workloads (MySQL and the recorder in the recorder
   * cluster), then the requester Job. Their Secrets (client certificates, MySQL passwords) are
   * made at install time.
   */
  services: {
    namespace: ManifestFile;
    /** The CA Issuer and the client Certificates of the cluster's service identities, in their namespace. */
    pki: ManifestFile;
    workloads: ManifestFile;
    requester: ManifestFile;
    identities: readonly Identity[];
    recorder: boolean;
  };
}

export interface PlanInput {
  /** A cluster others use (kube): its default ingress class stays theirs. */
  sharedCluster: boolean;
  topo: Topology;
  targets: KubeTarget[];
  settings: KubeSettings;
  jsLimits: JetStreamLimits;
  stretchedRoutes?: StretchedRoutes;
  /** Only their shape is used: the values reference a Secret, never a credential. */
  credentials: Credentials;
  /** Where a cluster's haproxy ingress is reached from the other clusters. */
  ingressHost: (cluster: string) => string;
  /** The services image (stages 07 and 08). */
  servicesImage: string;
  /** Operator mode (--auth jwt): what the servers trust; clients then read creds from Secrets (k8s/jwt-auth.ts). */
  jwt?: JwtServerAuth;
}

/** The identities of the clients in the nats namespace: nats-box's contexts (the admin first: its default) and stage 07's Job (admin). */
export const NATS_NAMESPACE_IDENTITIES = ['admin', 'sys'] as const satisfies readonly Identity[];

/** linkerd's default opaque ports plus the NATS ones (`nats`: natsOpaquePorts of the topology), each once, in order. */
export function opaquePortsWithNats(defaults: string, nats: string = NATS_OPAQUE_PORTS): string {
  return [...new Set([...defaults.split(','), ...nats.split(',')])].join(',');
}

/** What the NATS values and the NATS Secret of a cluster are made from (the same for both). */
export function natsValuesInput(input: PlanInput, target: KubeTarget): NatsValuesInput {
  return {
    topo: input.topo,
    datacenter: target.name,
    addressing: kubernetesAddressing(target.name, input.ingressHost),
    credentials: input.credentials,
    jsLimits: input.jsLimits,
    ...(input.stretchedRoutes ? { stretchedRoutes: input.stretchedRoutes } : {}),
    serverVersion: input.settings.natsServerVersion,
    secretName: NATS_SECRET,
    opaquePorts: natsOpaquePorts(input.topo),
    prometheusRelease: PROMETHEUS_RELEASE,
    tlsSecret: NATS_SERVER_TLS_SECRET,
    natsBox: Object.fromEntries(NATS_NAMESPACE_IDENTITIES.map((id) => [id, clientSecretName(id)])),
    ...(input.settings.natsStorageClass ? { storageClass: input.settings.natsStorageClass } : {}),
    ...(input.jwt ? { jwt: input.jwt } : {}),
  };
}

/** The address other clusters dial this one's gateways at, when known (kube: once its LoadBalancer has one). */
export function knownIngressHost(input: PlanInput, cluster: string): string | undefined {
  const host = input.ingressHost(cluster);
  return host === pendingIngressHost(cluster) ? undefined : host;
}

/** The cluster of MySQL and the recorder: RECORDER_CLUSTER, else the first name. */
export function recorderClusterOf(input: Pick<PlanInput, 'settings' | 'targets'>): string {
  const names = input.targets.map((t) => t.name);
  const chosen = input.settings.recorderCluster ?? names[0]!;
  if (!names.includes(chosen))
    throw new UsageError(`RECORDER_CLUSTER is ${chosen}, which is not one of the cluster names ${names.join(', ')}`);
  return chosen;
}

/** Stage 08's objects per cluster, without Secrets (the passwords here are placeholders, never applied). */
function servicesObjects(input: PlanInput): Record<string, ServicesObject[]> {
  const all = renderServices({
    names: input.targets.map((t) => t.name),
    recorderCluster: recorderClusterOf(input),
    image: input.servicesImage,
    auth: {
      kind: 'tls',
      secrets: Object.fromEntries(SERVICE_IDENTITIES.map((id) => [id, clientSecretName(id)])),
      ...(input.jwt ? { creds: Object.fromEntries(SERVICE_IDENTITIES.map((id) => [id, credsSecretName(id)])) } : {}),
    },
    mysql: { password: 'made-at-install', rootPassword: 'made-at-install' },
  });
  return Object.fromEntries(Object.entries(all).map(([cluster, objects]) => [cluster, objects.filter((o) => o.kind !== 'Secret')]));
}

function clusterPlan(input: PlanInput, target: KubeTarget, services: ServicesObject[]): ClusterPlan {
  const at = (namespace: string, release: string, values: Record<string, unknown>) => ({
    cluster: target.name,
    context: target.context,
    namespace,
    release,
    values,
  });
  const release = (chart: (typeof CHARTS)[keyof typeof CHARTS], namespace: string, name: string, values: Record<string, unknown>) =>
    chartRelease(chart, input.settings, at(namespace, name, values));
  const others = input.targets.map((t) => t.name).filter((n) => n !== target.name);
  const file = (name: string, objects: K8sObject[]): ManifestFile => ({ file: name, objects });

  const valuesInput = natsValuesInput(input, target);
  const nats = natsReleaseValues(valuesInput);
  const opaque = { 'config.linkerd.io/opaque-ports': natsOpaquePorts(input.topo) };

  return {
    target,
    certs: {
      certManager: release(CHARTS.certManager, NAMESPACES.certManager, 'cert-manager', { crds: { enabled: true } }),
      trustManager: release(CHARTS.trustManager, NAMESPACES.certManager, 'trust-manager', {
        app: { trust: { namespace: NAMESPACES.certManager } },
      }),
      natsPki: file(
        'nats-pki.yaml',
        natsPkiObjects(
          input.topo,
          target.name,
          [knownIngressHost(input, target.name)].filter((h): h is string => !!h),
        ),
      ),
    },
    linkerd: {
      namespace: file('linkerd-namespace.yaml', [linkerdNamespace()]),
      issuers: file('linkerd-issuers.yaml', linkerdIssuers()),
      identityIssuer: file('linkerd-identity-issuer.yaml', [identityIssuerCertificate()]),
      trustBundle: file('linkerd-trust-bundle.yaml', [trustBundle()]),
      crds: release(CHARTS.linkerdCrds, NAMESPACES.linkerd, 'linkerd-crds', { installGatewayAPI: true }),
      controlPlane: release(CHARTS.linkerdControlPlane, NAMESPACES.linkerd, 'linkerd-control-plane', {
        identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
        // NATS servers speak first: protocol detection would stall every connection ~10 s. The
        // default covers destinations without their own annotation (per-pod mirrors, node addresses).
        proxy: { opaquePorts: opaquePortsWithNats(linkerdPin(input.settings).defaultOpaquePorts, natsOpaquePorts(input.topo)) },
        // No heartbeat (it phones home). No prometheusUrl either: with the heartbeat off the
        // control plane has no use for it; linkerd-viz, which queries Prometheus, gets it below.
        disableHeartBeat: true,
      }),
      multicluster: release(CHARTS.linkerdMulticluster, NAMESPACES.multicluster, 'linkerd-multicluster', {
        // One service mirror controller per link; the links are named after the other clusters.
        controllers: others.map((name) => ({ link: { ref: { name } } })),
        controllerDefaults: { enableHeadlessServices: true },
      }),
    },
    observability: {
      namespace: file('prometheus-namespace.yaml', [prometheusNamespace()]),
      stack: release(CHARTS.kubePrometheusStack, NAMESPACES.prometheus, PROMETHEUS_RELEASE, {
        grafana: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
          // Through the haproxy ingress (on k3d: the http port mapped to this machine).
          ingress: { enabled: true, ingressClassName: HAPROXY_INGRESS_CLASS, hosts: [grafanaHost(target.name)], path: '/' },
          sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
        },
        // Pick up every PodMonitor/ServiceMonitor, not only the stack's own.
        prometheus: { prometheusSpec: { podMonitorSelectorNilUsesHelmValues: false, serviceMonitorSelectorNilUsesHelmValues: false } },
      }),
      dashboards: file('nats-dashboards.yaml', [natsDashboardsConfigMap(target.name)]),
      viz: release(CHARTS.linkerdViz, NAMESPACES.viz, 'linkerd-viz', {
        prometheus: { enabled: false },
        prometheusUrl: PROMETHEUS_URL,
        grafana: { url: `${GRAFANA_SERVICE}.${NAMESPACES.prometheus}` },
      }),
      monitors: file('linkerd-monitors.yaml', linkerdPodMonitors()),
    },
    ingress: {
      namespace: file('haproxy-namespace.yaml', [ingressNamespace()]),
      haproxy: release(CHARTS.haproxyIngress, NAMESPACES.ingress, HAPROXY_RELEASE, {
        controller: {
          // Only in a cluster of our own: on someone's kube cluster the default class stays theirs.
          ingressClassResource: { default: !input.sharedCluster },
          podAnnotations: opaque,
          // Its debug endpoints are nobody's business outside the pod.
          pprof: { enabled: false },
          service: {
            type: 'LoadBalancer',
            annotations: opaque,
            // A LoadBalancer is public on a cloud: no stats page (1024) or pprof (6060) on it. The
            // PodMonitor below scrapes the stat port on the pod itself. http (80) stays for Grafana.
            enablePorts: { http: true, https: true, quic: false, stat: false, admin: false },
            tcpPorts: [
              { name: 'nats-gateway', port: INGRESS_TCP_PORTS.gateway, targetPort: INGRESS_TCP_PORTS.gateway },
              { name: 'nats-client', port: INGRESS_TCP_PORTS.client, targetPort: INGRESS_TCP_PORTS.client },
              ...leafnodeIngressPorts(input.topo, target.name),
            ],
          },
          podMonitor: { enabled: true, extraLabels: { release: PROMETHEUS_RELEASE } },
        },
      }),
    },
    supercluster: {
      namespace: file('nats-namespace.yaml', [natsNamespace()]),
      nats: [
        ...nats.map((r) => release(CHARTS.nats, NAMESPACES.nats, r.release.name, r.values as unknown as Record<string, unknown>)),
        // The edge sites of this hub: releases of the same chart beside the region's (k8s/edge-values.ts).
        ...edgesHubbedIn(input.topo, target.name).map((e) =>
          release(
            CHARTS.nats,
            NAMESPACES.nats,
            edgeReleaseName(e),
            edgeReleaseValues(valuesInput, e, input.ingressHost) as unknown as Record<string, unknown>,
          ),
        ),
      ],
      tcpRoutes: file('nats-haproxy-tcp.yaml', [
        ...haproxyTcpRoutes(target.name, haproxyPin(input.settings)),
        ...leafnodeTcpRoutes(input.topo, target.name, haproxyPin(input.settings)),
      ]),
      xrJsService: file('nats-xr-js-service.yaml', [xrJsLocalService(target.name)]),
    },
    ...(target.name === input.targets[0]!.name
      ? {
          jetstream: {
            job: file('jetstream-apply-job.yaml', [
              jetstreamApplyJob({
                cluster: target.name,
                names: input.targets.map((t) => t.name),
                replicas: input.topo.options.replicas,
                image: input.servicesImage,
                timeoutSeconds: jetstreamTimeoutSeconds(input.settings.waitSeconds),
                jwt: !!input.jwt,
              }),
            ]),
          },
        }
      : {}),
    services: {
      namespace: file('services-namespace.yaml', services.filter((o) => o.kind === 'Namespace').map(plain)),
      pki: file('services-pki.yaml', servicesPkiObjects(serviceIdentities(target.name, recorderClusterOf(input)), NAMESPACES.services)),
      workloads: file('services.yaml', services.filter((o) => o.kind !== 'Job' && o.kind !== 'Namespace').map(plain)),
      requester: file('requester-job.yaml', services.filter((o) => o.kind === 'Job').map(plain)),
      identities: serviceIdentities(target.name, recorderClusterOf(input)),
      recorder: target.name === recorderClusterOf(input),
    },
  };
}

export function kubePlan(input: PlanInput): ClusterPlan[] {
  const services = servicesObjects(input);
  return input.targets.map((t) => clusterPlan(input, t, services[t.name]!));
}

/** Releases of a cluster in install order. */
export function planReleases(plan: ClusterPlan): HelmRelease[] {
  return [
    plan.certs.certManager,
    plan.certs.trustManager,
    plan.linkerd.crds,
    plan.linkerd.controlPlane,
    plan.linkerd.multicluster,
    plan.observability.stack,
    plan.observability.viz,
    plan.ingress.haproxy,
    ...plan.supercluster.nats,
  ];
}

/** Manifest files of a cluster in apply order. */
export function planManifests(plan: ClusterPlan): ManifestFile[] {
  const l = plan.linkerd;
  const o = plan.observability;
  const s = plan.supercluster;
  // The nats namespace first: stage 02 puts the NATS PKI into it.
  return [
    s.namespace,
    plan.certs.natsPki,
    l.namespace,
    l.issuers,
    l.identityIssuer,
    l.trustBundle,
    o.namespace,
    o.dashboards,
    o.monitors,
    plan.ingress.namespace,
    s.tcpRoutes,
    s.xrJsService,
    ...(plan.jetstream ? [plan.jetstream.job] : []),
    plan.services.namespace,
    plan.services.pki,
    plan.services.workloads,
    plan.services.requester,
  ];
}
