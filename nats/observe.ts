// Ask the live system, through the system account, what every server reports about itself
// ($SYS.REQ.SERVER.PING.{VARZ,ROUTEZ,GATEWAYZ,JSZ}). The answer is what `status` trusts.
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { LiveServer } from './verify.js';

export interface ObserveOptions {
  connection: ConnectionOptions;
  /** How many servers should answer: stop waiting once this many have. */
  expectedServers: number;
  /** Longest wait for answers, per request. */
  waitMs?: number;
}

interface ServerInfo {
  name: string;
  id: string;
  cluster?: string;
  ver: string;
  jetstream?: boolean;
  tags?: string[];
}

interface PingResponse<T> {
  server: ServerInfo;
  data?: T;
  error?: { code: number; description: string };
}

interface Varz {
  server_name: string;
  server_id: string;
  version: string;
  connections: number;
  routes: number;
  mem: number;
  uptime: string;
  tags?: string[];
}
interface Routez {
  routes?: { remote_id: string; remote_name?: string }[];
}
interface Gatewayz {
  outbound_gateways?: Record<string, unknown>;
  inbound_gateways?: Record<string, unknown[]>;
}
interface Jsz {
  disabled?: boolean;
  meta_cluster?: { leader?: string; cluster_size?: number };
}

async function ping<T>(nc: NatsConnection, what: string, expected: number, waitMs: number): Promise<Map<string, PingResponse<T>>> {
  const out = new Map<string, PingResponse<T>>();
  const replies = await nc.requestMany(`$SYS.REQ.SERVER.PING.${what}`, '', { strategy: 'count', maxMessages: expected, maxWait: waitMs });
  for await (const m of replies) {
    try {
      const r = m.json<PingResponse<T>>();
      if (r?.server?.name) out.set(r.server.name, r);
    } catch {
      // a reply that is not JSON is not a server's answer
    }
  }
  return out;
}

export async function withConnection<T>(opts: ConnectionOptions, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ timeout: 3000, maxReconnectAttempts: 2, reconnectTimeWait: 200, ...opts });
  try {
    return await fn(nc);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Every server that answers, as a LiveServer. */
export async function observe(opts: ObserveOptions): Promise<LiveServer[]> {
  const wait = opts.waitMs ?? 2000;
  return withConnection({ name: 'sandbox-status', ...opts.connection }, async (nc) => {
    const [varz, routez, gatewayz, jsz] = await Promise.all([
      ping<Varz>(nc, 'VARZ', opts.expectedServers, wait),
      ping<Routez>(nc, 'ROUTEZ', opts.expectedServers, wait),
      ping<Gatewayz>(nc, 'GATEWAYZ', opts.expectedServers, wait),
      ping<Jsz>(nc, 'JSZ', opts.expectedServers, wait),
    ]);
    const nameById = new Map<string, string>();
    for (const r of varz.values()) nameById.set(r.server.id, r.server.name);
    for (const r of routez.values()) nameById.set(r.server.id, r.server.name);
    const live: LiveServer[] = [];
    for (const [name, v] of varz) {
      const info = v.server;
      const data = v.data;
      const routes = routez.get(name)?.data?.routes ?? [];
      const gw = gatewayz.get(name)?.data;
      const js = jsz.get(name)?.data;
      const peers = new Set(routes.map((r) => r.remote_name || nameById.get(r.remote_id) || r.remote_id));
      const inbound: Record<string, number> = {};
      for (const [cluster, conns] of Object.entries(gw?.inbound_gateways ?? {})) inbound[cluster] = Array.isArray(conns) ? conns.length : 0;
      const meta = js && !js.disabled ? js.meta_cluster : undefined;
      live.push({
        name,
        id: info.id,
        cluster: info.cluster ?? '',
        version: data?.version ?? info.ver,
        jetstream: info.jetstream === true,
        tags: info.tags ?? data?.tags ?? [],
        connections: data?.connections ?? 0,
        routes: data?.routes ?? routes.length,
        routePeers: [...peers].sort(),
        outboundGateways: Object.keys(gw?.outbound_gateways ?? {}).sort(),
        inboundGateways: inbound,
        memBytes: data?.mem ?? 0,
        uptime: data?.uptime ?? '',
        ...(meta?.leader ? { metaLeader: meta.leader } : {}),
        ...(meta?.cluster_size !== undefined ? { metaClusterSize: meta.cluster_size } : {}),
      });
    }
    return live.sort((a, b) => a.name.localeCompare(b.name));
  });
}
