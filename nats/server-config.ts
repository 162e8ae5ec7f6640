// The nats-server configuration of one server, as a plain object (rendered by conf.ts).
// The Kubernetes helm values express the same settings; tests compare the two.
import { type Identity, type Permissions, USERS } from './accounts.js';
import type { Addressing } from './addressing.js';
import { withCredentials } from './addressing.js';
import type { ConfValue } from './conf.js';
import { type JwtServerAuth, jwtAuthConfig } from './jwt-auth.js';
import { clientUserName } from './pki.js';
import type { ServerSpec, Topology } from './topology.js';
import { APP_ACCOUNT, gatewayTargets, HUB_DOMAIN, routePeers, SYSTEM_ACCOUNT } from './topology.js';

export interface Credentials {
  /** Password of the system account user `sys`. */
  sys: string;
  /** Password of the application account user `admin`. */
  admin: string;
  /** Passwords of the least-privilege application users. */
  math: string;
  requester: string;
  recorder: string;
  /** Shared credentials every gateway connection presents. */
  gateway: { user: string; password: string };
  /** Shared credentials every route connection presents. */
  route: { user: string; password: string };
  /**
   * Client certificate directories (ca.crt, tls.crt, tls.key) per identity, when the sandbox PKI
   * exists: clients then connect with mTLS instead of a password.
   */
  clientTls?: Partial<Record<Identity, string>>;
  /** Creds file (user JWT and seed) per identity, while the sandbox runs in operator mode (--auth jwt). */
  clientCreds?: Partial<Record<Identity, string>>;
}

export interface JetStreamLimits {
  maxMemoryBytes: number;
  maxFileBytes: number;
}

export const DEFAULT_JS_LIMITS: JetStreamLimits = { maxMemoryBytes: 256 * 1024 ** 2, maxFileBytes: 4 * 1024 ** 3 };

/** nats-server's route compression modes (2.10+, server/opts.go CompressionMode). */
export const ROUTE_COMPRESSION = ['off', 'accept', 's2_fast', 's2_better', 's2_best', 's2_auto'] as const;
export type RouteCompression = (typeof ROUTE_COMPRESSION)[number];

/**
 * The routes of the stretched cluster, the only routes that cross regions (a WAN): their S2
 * compression and how many connections each pair of servers keeps (nats-server 2.10+ pools
 * routes; its default pool is 3). Unset: the server's defaults.
 */
export interface StretchedRoutes {
  compression?: RouteCompression;
  poolSize?: number;
}

/** TLS material of a server: with it, clients need a certificate (verify_and_map) and routes
 * and gateways use TLS with the same CA. */
export interface ServerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface ServerConfigInput {
  topo: Topology;
  server: ServerSpec;
  addressing: Addressing;
  credentials: Credentials;
  /** JetStream store directory (JetStream servers only). */
  storeDir?: string;
  jsLimits?: JetStreamLimits;
  tls?: ServerTls;
  stretchedRoutes?: StretchedRoutes;
  /** The leafnodes block of a server edge sites dial (nats/edges.ts hubLeafnodes). */
  leafnodes?: Record<string, ConfValue>;
  /** The websocket block of a client-facing server in operator mode (nats/websocket.ts websocketConfig). */
  websocket?: Record<string, ConfValue>;
  /** Operator mode (--auth jwt): accounts from the resolver, kept in `resolverDir`, instead of `accounts`. */
  jwt?: { auth: JwtServerAuth; resolverDir: string };
}

export function tlsBlock(tls: ServerTls, extra: Record<string, ConfValue>): Record<string, ConfValue> {
  return { cert_file: tls.certFile, key_file: tls.keyFile, ca_file: tls.caFile, ...extra };
}

function permissionsConfig(p: Permissions): Record<string, ConfValue> {
  return {
    publish: { allow: p.publish },
    subscribe: { allow: p.subscribe },
    ...(p.allowResponses ? { allow_responses: true } : {}),
  };
}

/**
 * Accounts and their users. With mTLS every user is a certificate subject (verify_and_map) and
 * has no password; without it (no PKI yet) each user logs in with its generated password.
 */
export function accountsConfig(credentials: Credentials, mtls = false): Record<string, ConfValue> {
  const usersOf = (account: string) =>
    USERS.filter((u) => u.account === account).map((u) => ({
      ...(mtls ? { user: clientUserName(u.identity) } : { user: u.identity, password: credentials[u.identity] }),
      ...(u.permissions ? { permissions: permissionsConfig(u.permissions) } : {}),
    }));
  return {
    [SYSTEM_ACCOUNT]: { users: usersOf(SYSTEM_ACCOUNT) },
    [APP_ACCOUNT]: { jetstream: 'enabled', users: usersOf(APP_ACCOUNT) },
  };
}

/** A NATS cluster's block: the route user, TLS as on every route, and the routes (URLs without credentials). */
export function routeBlock(input: {
  name: string;
  listen: string;
  advertise?: string;
  credentials: Credentials;
  tls?: ServerTls;
  routes: readonly string[];
}): Record<string, ConfValue> {
  const { user, password } = input.credentials.route;
  return {
    name: input.name,
    listen: input.listen,
    ...(input.advertise ? { advertise: input.advertise } : {}),
    authorization: { user, password },
    ...(input.tls ? { tls: tlsBlock(input.tls, { verify: true, timeout: 5 }) } : {}),
    routes: input.routes.map((url) => withCredentials(url, user, password)),
  };
}

function clusterConfig(input: ServerConfigInput): Record<string, ConfValue> {
  const { topo, server, addressing, credentials } = input;
  const ports = addressing.ports(server);
  const advertise = addressing.routeAdvertise?.(server);
  const stretched = topo.clusters.find((c) => c.name === server.cluster)?.kind === 'stretched' ? input.stretchedRoutes : undefined;
  return {
    ...routeBlock({
      name: server.cluster,
      listen: `${addressing.host ?? '0.0.0.0'}:${ports.cluster}`,
      ...(advertise ? { advertise } : {}),
      credentials,
      ...(input.tls ? { tls: input.tls } : {}),
      routes: routePeers(topo, server).map((p) => addressing.routeUrl(p)),
    }),
    ...(stretched?.compression ? { compression: stretched.compression } : {}),
    ...(stretched?.poolSize ? { pool_size: stretched.poolSize } : {}),
  };
}

function gatewayConfig(input: ServerConfigInput): Record<string, ConfValue> {
  const { topo, server, addressing, credentials } = input;
  const ports = addressing.ports(server);
  const { user, password } = credentials.gateway;
  const advertise = addressing.gatewayAdvertise(server);
  return {
    name: server.cluster,
    listen: `${addressing.host ?? '0.0.0.0'}:${ports.gateway}`,
    ...(advertise ? { advertise } : {}),
    authorization: { user, password },
    ...(input.tls ? { tls: tlsBlock(input.tls, { verify: true, timeout: 5 }) } : {}),
    reject_unknown_cluster: true,
    gateways: topo.clusters
      .filter((c) => c.name !== server.cluster)
      .map((c) => ({
        name: c.name,
        // Distinct: behind a WAN link every server of a cluster shares one gateway address.
        urls: [...new Set(gatewayTargets(topo, server, c).map((t) => withCredentials(addressing.gatewayUrl(t), user, password)))],
      })),
  };
}

export function jetstreamConfig(
  input: Pick<ServerConfigInput, 'topo' | 'server' | 'storeDir' | 'jsLimits'>,
): Record<string, ConfValue> | undefined {
  const { topo, server } = input;
  // A server without JetStream still names the domain to the edge sites that dial it: their
  // leafnode then keeps the two JetStream domains apart (nats-server server/leafnode.go).
  if (!server.jetstream) return topo.edges.length ? { enabled: false, domain: HUB_DOMAIN } : undefined;
  const limits = input.jsLimits ?? DEFAULT_JS_LIMITS;
  const cluster = topo.clusters.find((c) => c.name === server.cluster);
  return {
    ...(input.storeDir ? { store_dir: input.storeDir } : {}),
    max_memory_store: limits.maxMemoryBytes,
    max_file_store: limits.maxFileBytes,
    ...(cluster?.uniqueTag ? { unique_tag: cluster.uniqueTag } : {}),
    // With edge sites the supercluster is a JetStream domain of its own: each edge's meta group stays apart.
    ...(topo.edges.length ? { domain: HUB_DOMAIN } : {}),
  };
}

export function serverConfig(input: ServerConfigInput): Record<string, ConfValue | undefined> {
  const { server, addressing } = input;
  const ports = addressing.ports(server);
  return {
    server_name: server.name,
    ...(addressing.host ? { host: addressing.host } : {}),
    port: ports.client,
    http_port: ports.monitor,
    ...(server.tags.length ? { server_tags: server.tags } : {}),
    // Operator mode: clients keep TLS but prove who they are with a user JWT, not a certificate.
    ...(input.tls ? { tls: tlsBlock(input.tls, input.jwt ? { timeout: 5 } : { verify_and_map: true, timeout: 5 }) } : {}),
    jetstream: jetstreamConfig(input),
    cluster: clusterConfig(input),
    gateway: gatewayConfig(input),
    ...(input.leafnodes ? { leafnodes: input.leafnodes } : {}),
    ...(input.websocket ? { websocket: input.websocket } : {}),
    ...(input.jwt
      ? jwtAuthConfig(input.jwt.auth, input.jwt.resolverDir)
      : { accounts: accountsConfig(input.credentials, !!input.tls), system_account: SYSTEM_ACCOUNT }),
  };
}
