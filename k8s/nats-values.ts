// Helm values of the official `nats` chart for each release of a datacenter (cN, cN-js, cN-gw, xr-js),
// derived from the very server config the local provider runs (serverConfig), with Kubernetes
// addressing. Credentials never enter the values: every password becomes a `<< $NATS_..._PASSWORD >>`
// reference to an environment variable filled from a Secret made at install time, and the route
// list (route URLs must carry the route credentials) comes from that Secret too. With mTLS the
// servers read their certificate from a mounted cert-manager Secret: serverConfig gets the in-pod
// paths, and its tls blocks map onto the chart's config.{nats,cluster,gateway}.tls.
import type { Identity } from '../nats/accounts.js';
import type { Addressing } from '../nats/addressing.js';
import type { ConfValue } from '../nats/conf.js';
import type { JwtServerAuth } from '../nats/jwt-auth.js';
import { type Credentials, type JetStreamLimits, type ServerTls, type StretchedRoutes, serverConfig } from '../nats/server-config.js';
import type { ReleaseSpec, ServerSpec, Topology } from '../nats/topology.js';
import { kubeHubLeafnodes } from './edges.js';
import { type ChartResolver, chartResolver, natsBoxCreds, RESOLVER_DIR } from './jwt-auth.js';

/** The nats chart keys these values use (chart 2.x: config.*, container, podTemplate, service, ...). */
export interface NatsChartValues {
  fullnameOverride: string;
  config: {
    serverNamePrefix: string;
    nats: { port: number; tls?: ChartTls };
    monitor: { enabled: boolean; port: number };
    cluster: { enabled: boolean; port: number; replicas: number; tls?: ChartTls; merge: Record<string, ConfValue> };
    gateway: { enabled: boolean; port: number; tls?: ChartTls; merge: Record<string, ConfValue> };
    /** A hub's listener for edge sites (files/config/leafnodes.yaml: port, no_advertise: true, tls, then merge). */
    leafnodes?: ChartLeafnodes;
    jetstream:
      | { enabled: false }
      | {
          enabled: true;
          fileStore: { enabled: true; dir: string; pvc: { enabled: true; size: string; storageClassName?: string } };
          memoryStore: { enabled: false };
          merge: Record<string, ConfValue>;
        };
    /** Operator mode (k8s/jwt-auth.ts). */
    resolver?: ChartResolver;
    merge: Record<string, ConfValue>;
  };
  container: {
    image: { tag: string };
    env: Record<string, { valueFrom: { secretKeyRef: { name: string; key: string } } }>;
  };
  reloader: { enabled: boolean };
  promExporter: { enabled: boolean; podMonitor: { enabled: boolean; merge: { metadata: { labels: Record<string, string> } } } };
  podTemplate: { configChecksumAnnotation: boolean; merge: { metadata: { annotations: Record<string, string> } } };
  service: { ports: Record<'cluster' | 'gateway' | 'monitor', { enabled: boolean }>; merge: { metadata: ServiceMeta } };
  headlessService: { merge: { metadata: ServiceMeta } };
  natsBox: NatsBoxValues;
}

/**
 * The chart's tls block of a protocol: with `secretName` it mounts that Secret at `dir` and writes
 * cert_file/key_file as `dir`/tls.crt and `dir`/tls.key (files/config/tls.yaml); `merge` adds the rest.
 */
export interface ChartTls {
  enabled: true;
  secretName?: string;
  dir?: string;
  merge: Record<string, ConfValue>;
}

/**
 * The chart's nats-box (natsBox.*, nats-io/k8s nats-2.14.2 values.yaml and
 * files/nats-box/contexts-secret/context.yaml): one context per client certificate Secret, mounted at
 * /etc/nats-certs/<context>, its URL the release's client service, `ca` added by merge.
 */
export type NatsBoxValues =
  | { enabled: false }
  | {
      enabled: true;
      defaultContextName: string;
      /** null removes the chart's own `default` context, which has no certificate and could not connect. */
      /** `creds` in operator mode: the identity's creds file from its Secret (the certificate still brings the CA). */
      contexts: Record<string, { tls: { secretName: string }; creds?: { secretName: string; key: string }; merge: { ca: string } } | null>;
      podTemplate: { merge: { metadata: { annotations: Record<string, string> } } };
    };

export interface ChartLeafnodes {
  enabled: true;
  port: number;
  tls?: ChartTls;
  merge: Record<string, ConfValue>;
}

interface ServiceMeta {
  annotations: Record<string, string>;
  labels?: Record<string, string>;
}

/** Environment variable every NATS container gets its route list from. */
export const ROUTES_ENV = 'NATS_ROUTES';
/** JetStream file store directory inside the pods (the chart's default). */
export const JETSTREAM_DIR = '/data';
/** Where the chart mounts config.nats.tls.secretName (its default dir for the client port). */
export const NATS_TLS_DIR = '/etc/nats-certs/nats';

/**
 * The server's certificate inside a pod: the cert-manager Secret (ca.crt, tls.crt, tls.key) the
 * chart mounts once, for the client port; routes and gateways use the same files rather than a
 * second and third mount of the same Secret.
 */
export const KUBERNETES_SERVER_TLS: ServerTls = {
  caFile: `${NATS_TLS_DIR}/ca.crt`,
  certFile: `${NATS_TLS_DIR}/tls.crt`,
  keyFile: `${NATS_TLS_DIR}/tls.key`,
};

/** One credential of `Credentials`, and where it lives in Kubernetes. */
export interface CredentialRef {
  /** Path in the Credentials object, e.g. ['gateway', 'password']. */
  path: string[];
  /** Environment variable (and Secret key), e.g. NATS_GATEWAY_PASSWORD (the .env name as well). */
  env: string;
  value: string;
}

/**
 * Every secret string in `credentials` (user names are not secret). Walks the object rather than
 * listing fields, so credentials added to the model later are moved into the Secret as well.
 */
export function credentialRefs(credentials: Credentials): CredentialRef[] {
  const out: CredentialRef[] = [];
  // Where a client's certificates and creds files are on this machine: neither a secret nor the servers' business.
  const { clientTls: _clientTls, clientCreds: _clientCreds, ...secrets } = credentials;
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === 'string') {
      if (path[path.length - 1] === 'user') return;
      const stem = path
        .filter((p) => p !== 'password')
        .join('_')
        .replace(/[^A-Za-z0-9]+/g, '_')
        .toUpperCase();
      out.push({ path, env: `NATS_${stem}_PASSWORD`, value: node });
      return;
    }
    if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(secrets, []);
  return out;
}

function sentinelOf(ref: CredentialRef): string {
  return `__${ref.env}__`;
}

/** Credentials with every secret replaced by a marker that can be found again in the config. */
function sentinelCredentials(credentials: Credentials, refs: CredentialRef[]): Credentials {
  const copy = structuredClone(credentials) as unknown as Record<string, unknown>;
  for (const ref of refs) {
    let node = copy;
    for (const k of ref.path.slice(0, -1)) node = node[k] as Record<string, unknown>;
    node[ref.path[ref.path.length - 1]!] = sentinelOf(ref);
  }
  return copy as unknown as Credentials;
}

/** A nats config literal for an environment variable: quoted, so any password stays a string. */
export function confLiteral(value: unknown): string {
  return JSON.stringify(value);
}

/** `<< $VAR >>`: the chart writes it unquoted, so nats-server reads the variable from the environment. */
export function envReference(env: string): string {
  return `<< $${env} >>`;
}

/** Replace credential markers by env references; URLs lose their user info (the server presents its own). */
function moveCredentials(value: ConfValue, refs: CredentialRef[], where: string): ConfValue {
  if (typeof value === 'string') {
    const ref = refs.find((r) => sentinelOf(r) === value);
    if (ref) return envReference(ref.env);
    let out = value;
    if (/^[a-z-]+:\/\/[^/]*@/.test(value)) {
      const url = new URL(value);
      const password = decodeURIComponent(url.password);
      if (!refs.some((r) => sentinelOf(r) === password))
        throw new Error(`${where}: a URL carries credentials that are not part of the model's Credentials`);
      out = value.replace(/\/\/[^/]*@/, '//');
    }
    const leaked = refs.find((r) => out.includes(sentinelOf(r)));
    if (leaked) throw new Error(`${where}: ${leaked.env} is embedded in a value and cannot be moved into the Secret`);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => moveCredentials(v, refs, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, moveCredentials(v as ConfValue, refs, `${where}.${k}`)]),
    );
  }
  return value;
}

function portOf(listen: unknown, where: string): number {
  const m = typeof listen === 'string' ? /:(\d+)$/.exec(listen) : null;
  if (!m) throw new Error(`${where}: expected listen host:port, got ${String(listen)}`);
  return Number(m[1]);
}

type Conf = Record<string, ConfValue>;

/**
 * A leafnodes listener block of serverConfig as the chart's config.leafnodes: the chart writes
 * `port` and `no_advertise: true` itself, so the block must say no_advertise; TLS uses the files
 * of the client port's mount, like routes and gateways.
 */
function chartLeafnodes(leafnodes: Conf, where: string): ChartLeafnodes {
  const { listen, no_advertise, tls, ...merge } = leafnodes;
  if (no_advertise !== true) throw new Error(`${where}: the chart always writes no_advertise: true for leafnodes`);
  return { enabled: true, port: portOf(listen, where), ...(tls ? { tls: chartTls(tls as Conf, `${where}.tls`) } : {}), merge };
}

/**
 * A tls block of serverConfig as the chart's: for the client port the chart mounts `secretName`
 * and writes cert_file and key_file itself (so they must be the paths it writes); for routes and
 * gateways the files are the ones that mount already holds, given in `merge`.
 */
export function chartTls(tls: Conf, where: string, secretName?: string): ChartTls {
  if (!secretName) return { enabled: true, merge: tls };
  const { cert_file, key_file, ...merge } = tls;
  if (cert_file !== KUBERNETES_SERVER_TLS.certFile || key_file !== KUBERNETES_SERVER_TLS.keyFile) {
    throw new Error(
      `${where}: the chart writes ${KUBERNETES_SERVER_TLS.certFile} and ${KUBERNETES_SERVER_TLS.keyFile} for the mounted Secret, not ${String(cert_file)} and ${String(key_file)}`,
    );
  }
  return { enabled: true, secretName, dir: NATS_TLS_DIR, merge };
}

/** The chart-shaped config of one server (routes left out: they come from the Secret). */
function chartConfig(server: ServerSpec, config: Conf, tlsSecret?: string): { config: NatsChartValues['config']; fullname: string } {
  const fullname = `${server.release}-nats`;
  const { server_name, host, port, http_port, cluster, gateway, jetstream, tls, leafnodes, ...rest } = config;
  const podName = `${fullname}-${server.index}`;
  if (typeof server_name !== 'string' || !server_name.endsWith(podName)) {
    throw new Error(`${server.name}: server_name ${String(server_name)} is not <prefix>${podName}, so the chart cannot produce it`);
  }
  if (host !== undefined) throw new Error(`${server.name}: Kubernetes addressing must not bind to a host (got ${String(host)})`);
  if ((tls === undefined) !== (tlsSecret === undefined))
    throw new Error(`${server.name}: TLS needs both the server config's tls block and the Secret to mount`);
  const { listen: clusterListen, routes: _routes, tls: clusterTls, ...clusterMerge } = cluster as Conf;
  const { listen: gatewayListen, tls: gatewayTls, ...gatewayMerge } = gateway as Conf;
  // Several servers behind one address (an ingress, a service) are one URL.
  if (Array.isArray(gatewayMerge.gateways)) {
    gatewayMerge.gateways = (gatewayMerge.gateways as Conf[]).map((g) =>
      Array.isArray(g.urls) ? { ...g, urls: [...new Set(g.urls as string[])] } : g,
    );
  }
  const js = jetstream as Conf | undefined;
  // A server without JetStream that names the domain (the hubs', for their edge sites): the
  // chart's jetstream stays off (no volume), and the block goes in as it is.
  const namesDomainOnly = js?.enabled === false;
  if (js && js.store_dir !== undefined) throw new Error(`${server.name}: the JetStream store directory is the chart's (${JETSTREAM_DIR})`);
  return {
    fullname,
    config: {
      serverNamePrefix: server_name.slice(0, -podName.length),
      nats: { port: port as number, ...(tls ? { tls: chartTls(tls as Conf, `${server.name} tls`, tlsSecret) } : {}) },
      monitor: { enabled: true, port: http_port as number },
      cluster: {
        enabled: true,
        port: portOf(clusterListen, `${server.name} cluster`),
        replicas: 0,
        ...(clusterTls ? { tls: chartTls(clusterTls as Conf, `${server.name} cluster.tls`) } : {}),
        merge: { ...clusterMerge, routes: envReference(ROUTES_ENV) },
      },
      gateway: {
        enabled: true,
        port: portOf(gatewayListen, `${server.name} gateway`),
        ...(gatewayTls ? { tls: chartTls(gatewayTls as Conf, `${server.name} gateway.tls`) } : {}),
        merge: gatewayMerge,
      },
      ...(leafnodes ? { leafnodes: chartLeafnodes(leafnodes as Conf, `${server.name} leafnodes`) } : {}),
      jetstream:
        js && !namesDomainOnly
          ? {
              enabled: true,
              fileStore: { enabled: true, dir: JETSTREAM_DIR, pvc: { enabled: true, size: '' } },
              memoryStore: { enabled: false },
              merge: js,
            }
          : { enabled: false },
      merge: { ...(rest as Conf), ...(js && namesDomainOnly ? { jetstream: js } : {}) },
    },
  };
}

/**
 * The JetStream volume: max_file_store plus a quarter (at least 256 MiB) for the filesystem's own
 * overhead, the server's meta and raft logs, and compaction, so the store reaches its limit before
 * the volume is full (a full volume makes the server stop JetStream).
 */
export function jetstreamVolumeSize(maxFileBytes: number): string {
  const mib = Math.ceil(maxFileBytes / 1024 ** 2);
  return `${mib + Math.max(256, Math.ceil(mib / 4))}Mi`;
}

export interface NatsValuesInput {
  topo: Topology;
  datacenter: string;
  /** Kubernetes addressing as seen from `datacenter`. */
  addressing: Addressing;
  credentials: Credentials;
  jsLimits: JetStreamLimits;
  /** Compression and pool of the xr-js routes (they cross clusters). */
  stretchedRoutes?: StretchedRoutes;
  /** The nats-server version the pods run (NATS_SERVER_VERSION, the same pin the local provider runs). */
  serverVersion: string;
  /** Secret the containers read credentials and routes from. */
  secretName: string;
  storageClass?: string;
  /** Linkerd opaque-ports annotation value. */
  opaquePorts: string;
  /** Label kube-prometheus-stack selects monitors with (release=<its release>). */
  prometheusRelease: string;
  /**
   * mTLS: the cert-manager Secret (ca.crt, tls.crt, tls.key) of the servers. Clients then need a
   * certificate mapped to their user (no client passwords), routes and gateways use TLS too.
   */
  tlsSecret?: string;
  /** nats-box with ready contexts in the seed release: context name -> client certificate Secret (mTLS). */
  natsBox?: Record<string, string>;
  /** Operator mode (--auth jwt): the operator, system account and accounts every server starts with. */
  jwt?: JwtServerAuth;
}

/** The official `nats` image's tag for a server version, in the chart's own form (values.yaml: `2.14.2-alpine`). */
export function natsImageTag(serverVersion: string): string {
  return `${serverVersion}-alpine`;
}

function secretKeyOfRoutes(release: string): string {
  return `routes.${release}`;
}

function releasesOf(input: NatsValuesInput): ReleaseSpec[] {
  const releases = input.topo.releases.filter((r) => r.datacenter === input.datacenter);
  if (!releases.length) throw new Error(`no NATS releases for datacenter ${input.datacenter}`);
  return releases;
}

function serversOf(input: NatsValuesInput, release: ReleaseSpec): ServerSpec[] {
  return release.servers.map((n) => input.topo.servers.find((s) => s.name === n)!);
}

/** The leafnodes listener of a hub server (k8s/edges.ts), as serverConfig takes it. */
function leafnodesOf(input: NatsValuesInput, server: ServerSpec): { leafnodes?: Conf } {
  const leafnodes = kubeHubLeafnodes(input.topo, server, input.tlsSecret ? KUBERNETES_SERVER_TLS : undefined);
  return leafnodes ? { leafnodes } : {};
}

/** The server config the pods of `server` run, with these credentials. */
function configOf(input: NatsValuesInput, server: ServerSpec, credentials: Credentials): Conf {
  return serverConfig({
    topo: input.topo,
    server,
    addressing: input.addressing,
    credentials,
    jsLimits: input.jsLimits,
    ...(input.stretchedRoutes ? { stretchedRoutes: input.stretchedRoutes } : {}),
    ...(input.tlsSecret ? { tls: KUBERNETES_SERVER_TLS } : {}),
    ...(input.jwt ? { jwt: { auth: input.jwt, resolverDir: RESOLVER_DIR } } : {}),
    ...leafnodesOf(input, server),
  }) as Conf;
}

/**
 * The credentials the datacenter's servers use. With mTLS the users have no passwords, so only
 * the route and gateway credentials remain: nothing unused goes into the Secret or the pods.
 */
function usedRefs(input: NatsValuesInput): CredentialRef[] {
  const refs = credentialRefs(input.credentials);
  const markers = sentinelCredentials(input.credentials, refs);
  const text = releasesOf(input)
    .flatMap((r) => serversOf(input, r))
    .map((s) => JSON.stringify(configOf(input, s, markers)))
    .join('\n');
  return refs.filter((r) => text.includes(sentinelOf(r)));
}

/** Values of every NATS release in the datacenter, in model order. */
export function natsReleaseValues(input: NatsValuesInput): { release: ReleaseSpec; values: NatsChartValues }[] {
  const refs = usedRefs(input);
  const markers = sentinelCredentials(input.credentials, credentialRefs(input.credentials));
  return releasesOf(input).map((release) => {
    const servers = serversOf(input, release);
    const shapes = servers.map((server) => {
      const moved = moveCredentials(configOf(input, server, markers) as ConfValue, refs, server.name) as Conf;
      return chartConfig(server, moved, input.tlsSecret);
    });
    const first = shapes[0]!;
    for (const [i, s] of shapes.entries()) {
      if (JSON.stringify(s) !== JSON.stringify(first))
        throw new Error(
          `${servers[i]!.name} needs a config that differs from ${servers[0]!.name}'s beyond its name, which one release cannot express`,
        );
    }
    const config = first.config;
    if (input.jwt) {
      const { resolver, merge } = chartResolver(config.merge, input.storageClass);
      config.resolver = resolver;
      config.merge = merge;
    }
    config.cluster.replicas = servers.length;
    if (config.jetstream.enabled) {
      config.jetstream.fileStore.pvc.size = jetstreamVolumeSize(input.jsLimits.maxFileBytes);
      if (input.storageClass) config.jetstream.fileStore.pvc.storageClassName = input.storageClass;
    }
    const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: input.secretName, key } } });
    const env: NatsChartValues['container']['env'] = { [ROUTES_ENV]: secretRef(secretKeyOfRoutes(release.name)) };
    for (const ref of refs) env[ref.env] = secretRef(ref.env);
    const opaque = { 'config.linkerd.io/opaque-ports': input.opaquePorts };
    // xr-js is exported to the other clusters (linkerd multicluster mirrors it, headless included).
    const serviceMeta: ServiceMeta =
      release.role === 'xr' ? { annotations: opaque, labels: { 'mirror.linkerd.io/exported': 'true' } } : { annotations: opaque };
    const values: NatsChartValues = {
      fullnameOverride: first.fullname,
      config,
      container: { image: { tag: natsImageTag(input.serverVersion) }, env },
      reloader: { enabled: true },
      promExporter: { enabled: true, podMonitor: { enabled: true, merge: { metadata: { labels: { release: input.prometheusRelease } } } } },
      // Gateway and cluster blocks cannot be reloaded: a changed config rolls the pods instead.
      podTemplate: { configChecksumAnnotation: true, merge: { metadata: { annotations: opaque } } },
      service: {
        ports: {
          cluster: { enabled: true },
          gateway: { enabled: release.role === 'gw' || release.role === 'xr' },
          monitor: { enabled: true },
        },
        merge: { metadata: serviceMeta },
      },
      headlessService: { merge: { metadata: serviceMeta } },
      natsBox: natsBoxValues(input, release),
    };
    return { release, values };
  });
}

/** nats-box in the regional seed release only (one per cluster), with a context per identity given. */
function natsBoxValues(input: NatsValuesInput, release: ReleaseSpec): NatsBoxValues {
  const contexts = Object.entries(input.natsBox ?? {});
  if (release.role !== 'seed' || !contexts.length || !input.tlsSecret) return { enabled: false };
  return {
    enabled: true,
    defaultContextName: contexts[0]![0],
    contexts: {
      ...(input.natsBox?.default ? {} : { default: null }),
      ...Object.fromEntries(
        contexts.map(([name, secretName]) => [
          name,
          {
            tls: { secretName },
            ...(input.jwt ? { creds: natsBoxCreds(name as Identity) } : {}),
            merge: { ca: `/etc/nats-certs/${name}/ca.crt` },
          },
        ]),
      ),
    },
    // Outside the mesh, like the other clients that only talk NATS over their own TLS.
    podTemplate: { merge: { metadata: { annotations: { 'linkerd.io/inject': 'disabled' } } } },
  };
}

/**
 * Data of the datacenter's NATS Secret: every credential as a nats config literal under its env
 * name, and each release's route list (with the route credentials) under `routes.<release>`.
 */
export function natsSecretData(input: NatsValuesInput): Record<string, string> {
  const data: Record<string, string> = {};
  for (const ref of usedRefs(input)) data[ref.env] = confLiteral(ref.value);
  for (const release of releasesOf(input)) {
    const routes = new Set<string>();
    for (const server of serversOf(input, release)) {
      for (const r of (configOf(input, server, input.credentials).cluster as Conf).routes as string[]) routes.add(r);
    }
    data[secretKeyOfRoutes(release.name)] = confLiteral([...routes].sort());
  }
  return data;
}
