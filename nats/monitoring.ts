// A server as `status` sees it, built from its monitoring answers (/varz, /routez, /gatewayz,
// /jsz, /healthz): the Kubernetes path reads them through the API server's pod proxy (no port forward),
// the local path asks every server through the system account ($SYS.REQ.SERVER.PING.*). Pure.
import type { LiveServer } from './verify.js';

export interface Varz {
  server_id: string;
  server_name: string;
  version: string;
  connections: number;
  routes: number;
  mem: number;
  uptime: string;
  tags?: string[];
  cluster?: { name?: string };
  jetstream?: { config?: unknown };
}
export interface Routez {
  routes?: { remote_id: string; remote_name?: string }[] | null;
}
export interface Gatewayz {
  outbound_gateways?: Record<string, unknown> | null;
  inbound_gateways?: Record<string, unknown[]> | null;
}
export interface Jsz {
  disabled?: boolean;
  /** Bytes this server's file store holds, and its limit (max_file_store). */
  storage?: number;
  config?: { max_storage?: number };
  /** `replicas` (the other peers) is filled in on the meta leader only. */
  meta_cluster?: {
    leader?: string;
    cluster_size?: number;
    replicas?: { name: string; current?: boolean; offline?: boolean; peer?: string }[] | null;
  };
}

/** /healthz?details=true (nats-server >= 2.10): ok, or what is wrong (JetStream meta group, streams, consumers). */
export interface Healthz {
  status: string;
  status_code?: number;
  error?: string;
  errors?: { type?: number; account?: string; stream?: string; consumer?: string; error?: string }[] | null;
}

export interface MonitorAnswers {
  varz: Varz;
  routez?: Routez;
  gatewayz?: Gatewayz;
  jsz?: Jsz;
  healthz?: Healthz;
}

/** What a server's health answer says is wrong, one line each (empty when it is healthy). */
export function healthProblems(h: Healthz): string[] {
  if (h.status === 'ok' && (h.status_code ?? 200) === 200) return [];
  const details = (h.errors ?? []).map((e) => e.error ?? `${e.account ?? ''} ${e.stream ?? ''} ${e.consumer ?? ''}`.trim()).filter(Boolean);
  return details.length ? details : [h.error || h.status || 'not healthy'];
}

/** LiveServers from every answering server; route peers named through the others' ids. */
export function liveServers(answers: readonly MonitorAnswers[]): LiveServer[] {
  const nameById = new Map(answers.map((a) => [a.varz.server_id, a.varz.server_name]));
  return answers
    .map(({ varz, routez, gatewayz, jsz, healthz }) => {
      const peers = new Set((routez?.routes ?? []).map((r) => r.remote_name || nameById.get(r.remote_id) || r.remote_id));
      const inbound: Record<string, number> = {};
      for (const [cluster, conns] of Object.entries(gatewayz?.inbound_gateways ?? {}))
        inbound[cluster] = Array.isArray(conns) ? conns.length : 0;
      const meta = jsz && !jsz.disabled ? jsz.meta_cluster : undefined;
      return {
        name: varz.server_name,
        id: varz.server_id,
        cluster: varz.cluster?.name ?? '',
        version: varz.version,
        jetstream: !!varz.jetstream?.config,
        tags: varz.tags ?? [],
        connections: varz.connections ?? 0,
        routes: varz.routes ?? peers.size,
        routePeers: [...peers].sort(),
        outboundGateways: Object.keys(gatewayz?.outbound_gateways ?? {}).sort(),
        inboundGateways: inbound,
        memBytes: varz.mem ?? 0,
        uptime: varz.uptime ?? '',
        ...(healthz ? { health: healthProblems(healthz) } : {}),
        ...(jsz && !jsz.disabled && jsz.config?.max_storage ? { fileStore: { used: jsz.storage ?? 0, max: jsz.config.max_storage } } : {}),
        ...(meta?.leader ? { metaLeader: meta.leader } : {}),
        ...(meta?.cluster_size !== undefined ? { metaClusterSize: meta.cluster_size } : {}),
        ...(meta?.replicas
          ? {
              metaPeers: meta.replicas.map((r) => ({
                name: r.name,
                current: r.current === true,
                offline: r.offline === true,
                ...(r.peer ? { peer: r.peer } : {}),
              })),
            }
          : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
