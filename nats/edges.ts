// Edge sites in the servers' configuration. Pure.
// A hub region's seed servers (the client-facing ones) listen for leafnode connections; an edge
// site's servers dial them with TLS, presenting the sandbox's server certificate (an identity only
// servers hold), which the hub maps to the application account (verify_and_map on leafnodes,
// nats-server server/auth.go isLeafNodeAuthorized). Only that account crosses: the system
// accounts stay apart, and so do the JetStream domains (the edge's name, HUB_DOMAIN for the hub).
// In operator mode (--auth jwt) the edge logs in with the creds of a leafnode user of the
// application account instead, which the hubs' resolver judges (no users on the listener: the
// server refuses them in operator mode, server/leafnode.go validateLeafNode); the edge server
// trusts the same operator, so the sandbox's creds work at the edge as in the regions.
import type { ConfValue } from './conf.js';
import { type JwtServerAuth, jwtAuthConfig } from './jwt-auth.js';
import { SERVER_CERT_SUBJECT } from './pki.js';
import {
  accountsConfig,
  type Credentials,
  type JetStreamLimits,
  jetstreamConfig,
  routeBlock,
  type ServerTls,
  tlsBlock,
} from './server-config.js';
import type { EdgeSite, ServerSpec, Topology } from './topology.js';
import { APP_ACCOUNT, SYSTEM_ACCOUNT } from './topology.js';

/** Servers that listen for edge sites: every region's seed servers, once the sandbox has edges. */
export function leafnodeListeners(topo: Topology): ServerSpec[] {
  return topo.edges.length ? topo.servers.filter((s) => s.role === 'seed') : [];
}

/** The servers an edge site's leafnode remote lists: its hub's first, then its fallback region's. */
export function leafnodeTargets(topo: Topology, edge: EdgeSite): ServerSpec[] {
  const listeners = leafnodeListeners(topo);
  return [edge.hub, ...(edge.fallback ? [edge.fallback] : [])].flatMap((dc) => listeners.filter((s) => s.datacenter === dc));
}

/**
 * The leafnodes block of a hub server: TLS, and the servers' certificate mapped to the application
 * account; in operator mode the leafnode user's JWT says the account, and the certificate is still
 * asked for (only servers hold one). `advertise`: the address it tells leaf servers (hubs gossip
 * their leafnode URLs to every leaf, which adds them to its remote's list), e.g. its WAN link.
 */
export function hubLeafnodes(
  listen: string,
  tls: ServerTls | undefined,
  opts: { advertise?: string | undefined; operatorMode?: boolean } = {},
): Record<string, ConfValue> {
  const advertise = opts.advertise;
  if (tls && opts.operatorMode) return { listen, ...(advertise ? { advertise } : {}), tls: tlsBlock(tls, { verify: true, timeout: 5 }) };
  return {
    listen,
    ...(advertise ? { advertise } : {}),
    ...(tls
      ? {
          tls: tlsBlock(tls, { verify_and_map: true, timeout: 5 }),
          authorization: { users: [{ user: SERVER_CERT_SUBJECT, account: APP_ACCOUNT }] },
        }
      : {}),
  };
}

/** An edge server in operator mode: the operator's trust, its own resolver, its leafnode user. */
export interface EdgeJwt {
  auth: JwtServerAuth;
  resolverDir: string;
  /** The application account's public key: what the leafnode remote binds locally. */
  appAccount: string;
  /** The edge site's leafnode user (core/jwt-store.ts ensureLeafnodeCreds). */
  leafnodeCreds: string;
}

export interface EdgeServerInput {
  topo: Topology;
  edge: EdgeSite;
  name: string;
  host: string;
  ports: { client: number; monitor: number };
  /** Leafnode URLs of the hub's listeners then the fallback's (tls://host:port). */
  remoteUrls: string[];
  /** A site of 3 servers: where this one listens for routes, and its peers' route URLs. */
  cluster?: { listen: string; routes: string[] };
  credentials: Credentials;
  tls: ServerTls;
  storeDir: string;
  jsLimits?: JetStreamLimits;
  jwt?: EdgeJwt;
}

/** One edge server: clients as in the regions (the same users), JetStream in its own domain, a leafnode remote to its hub. */
export function edgeServerConfig(input: EdgeServerInput): Record<string, ConfValue | undefined> {
  const { edge, tls, jwt } = input;
  const js = jetstreamConfig({
    topo: input.topo,
    server: { jetstream: true, cluster: edge.name } as ServerSpec,
    storeDir: input.storeDir,
    ...(input.jsLimits ? { jsLimits: input.jsLimits } : {}),
  });
  return {
    server_name: input.name,
    host: input.host,
    port: input.ports.client,
    http_port: input.ports.monitor,
    server_tags: [`edge:${edge.name}`, `hub:${edge.hub}`],
    tls: tlsBlock(tls, jwt ? { timeout: 5 } : { verify_and_map: true, timeout: 5 }),
    jetstream: { ...js, domain: edge.domain },
    ...(input.cluster
      ? {
          cluster: routeBlock({
            name: edge.name,
            listen: input.cluster.listen,
            credentials: input.credentials,
            tls,
            routes: input.cluster.routes,
          }),
        }
      : {}),
    leafnodes: {
      // In the order given: the hub's servers before the fallback region's.
      remotes: [
        {
          urls: input.remoteUrls,
          dont_randomize: true,
          account: jwt ? jwt.appAccount : APP_ACCOUNT,
          ...(jwt ? { credentials: jwt.leafnodeCreds } : {}),
          tls: tlsBlock(tls, { timeout: 5 }),
        },
      ],
    },
    // Its own resolver, not the supercluster's: its system account stays its own (not bridged),
    // so account changes are pushed to it apart (cluster/local/jwt.ts).
    ...(jwt
      ? jwtAuthConfig(jwt.auth, jwt.resolverDir)
      : { accounts: accountsConfig(input.credentials, true), system_account: SYSTEM_ACCOUNT }),
  };
}

/** What an edge server says of itself on its monitoring port (VARZ, LEAFZ, JSZ), when it answers. */
export interface EdgeServerView {
  name: string;
  answered: boolean;
  /** Its leafnode connections: the server at the other end and the account bound. */
  leafs: { server: string; account: string }[];
  /** Its JetStream domain ('' without one), when JetStream answered. */
  domain?: string;
}

/** An edge site's state in one line per problem, each with the way on. Pure. */
export function edgeProblems(topo: Topology, views: readonly EdgeServerView[]): { edge: string; text: string }[] {
  const found: { edge: string; text: string }[] = [];
  const regionOf = new Map(topo.servers.map((s) => [s.name, s.datacenter]));
  for (const edge of topo.edges) {
    const say = (text: string) => found.push({ edge: edge.name, text });
    const mine = edge.servers.map((n) => views.find((v) => v.name === n) ?? { name: n, answered: false, leafs: [] });
    const silent = mine.filter((v) => !v.answered);
    if (silent.length === mine.length) {
      say(`edge site ${edge.name} is down: ${silent.map((v) => v.name).join(', ')} do(es) not answer; fix: re-run stage 06 to start it`);
      continue;
    }
    if (silent.length)
      say(
        `edge site ${edge.name}: ${silent.map((v) => v.name).join(', ')} do(es) not answer (${mine.length - silent.length} of ${mine.length} up); fix: re-run stage 06 to start it`,
      );
    for (const v of mine.filter((x) => x.answered)) {
      const hubs = v.leafs.map((l) => ({ ...l, region: regionOf.get(l.server) }));
      if (!hubs.length) {
        say(
          `edge site ${edge.name} is cut off: ${v.name} has no leafnode connection to ${[edge.hub, edge.fallback].filter(Boolean).join(' or ')} (it goes on storing locally, and forwards once connected)`,
        );
        continue;
      }
      // On the fallback is working as designed (the hub was lost); a leafnode stays where it is
      // until that connection drops, so it is said in the edge's line, not called a problem.
      const other = hubs.find((h) => h.region !== edge.hub && h.region !== edge.fallback);
      if (other)
        say(
          `edge site ${edge.name}: ${v.name} is connected to ${other.server}, which is neither in its hub ${edge.hub} nor in its fallback`,
        );
      const wrongAccount = hubs.find((h) => h.account !== APP_ACCOUNT);
      if (wrongAccount)
        say(`edge site ${edge.name}: ${v.name}'s leafnode is bound to account ${wrongAccount.account}, expected ${APP_ACCOUNT}`);
      if (v.domain !== undefined && v.domain !== edge.domain)
        say(`edge site ${edge.name}: ${v.name} has JetStream domain '${v.domain}', expected '${edge.domain}'`);
    }
  }
  return found;
}

/** One line per edge site for status: where each server is connected. */
export function edgeLines(topo: Topology, views: readonly EdgeServerView[]): string[] {
  const regionOf = new Map(topo.servers.map((s) => [s.name, s.datacenter]));
  return topo.edges.map((edge) => {
    const parts = edge.servers.map((n) => {
      const v = views.find((x) => x.name === n);
      if (!v?.answered) return `${n} silent`;
      const on = v.leafs.map((l) => l.server);
      const fallback = on.length > 0 && on.every((server) => regionOf.get(server) !== edge.hub);
      return `${n} -> ${on.join(', ') || 'no leafnode'}${fallback ? ` (on its fallback: its hub ${edge.hub} did not take it)` : ''}`;
    });
    return `edge ${edge.name}@${edge.hub} (domain ${edge.domain}): ${parts.join('; ')}`;
  });
}

/** The edge site's own stream, in its domain: what happens at the site is stored there first. */
export function edgeStreamName(edge: string): string {
  return `edge-${edge}`;
}

/** Subjects an edge site's stream takes, e.g. edge.e1.> */
export function edgeSubject(edge: string): string {
  return `edge.${edge}.>`;
}

/** The supercluster's stream (on xr-js) that sources every edge site's stream across its domain. */
export const EDGES_STREAM = 'edges';

/** The JetStream API prefix of a domain, as a stream source outside the supercluster's domain names it. */
export function domainApi(domain: string): string {
  return `$JS.${domain}.API`;
}

/**
 * An edge server's monitoring answers (LEAFZ, JSZ) as the view status checks; none: it did not
 * answer. The Kubernetes provider reads them through the API server; the local provider reads the
 * same endpoints itself (cluster/local/edges.ts).
 */
export interface EdgeMonitorAnswers {
  leafz: { leafs?: { name: string; account: string }[] | null };
  jsz: { disabled?: boolean; config?: { domain?: string } };
}

/** `accountNames`: account key -> name, in operator mode (LEAFZ names an account by its key there). */
export function edgeServerView(
  name: string,
  answers: EdgeMonitorAnswers | undefined,
  accountNames: Record<string, string> = {},
): EdgeServerView {
  if (!answers) return { name, answered: false, leafs: [] };
  const { leafz, jsz } = answers;
  return {
    name,
    answered: true,
    leafs: (leafz.leafs ?? []).map((l) => ({ server: l.name, account: accountNames[l.account] ?? l.account })),
    ...(jsz.disabled ? {} : { domain: jsz.config?.domain ?? '' }),
  };
}
