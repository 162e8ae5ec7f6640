// Ask the live system, through the system account, what every server reports about itself
// ($SYS.REQ.SERVER.PING.{VARZ,ROUTEZ,GATEWAYZ,JSZ,HEALTHZ}). The answer is what `status` trusts.
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';
import {
  type CopyDisagreement,
  confirmedDisagreements,
  copiesIn,
  disagreements,
  type JszStreams,
  type StreamCopy,
} from '../jetstream/copies.js';
import { type Gatewayz, type Healthz, type Jsz, liveServers, type MonitorAnswers, type Routez, type Varz } from '../monitoring.js';
import type { LiveServer } from '../verify.js';

export interface ObserveOptions {
  connection: ConnectionOptions;
  /** How many servers should answer: stop waiting once this many have. */
  expectedServers: number;
  /** Longest wait for answers, per request. */
  waitMs?: number;
}

interface PingResponse<T> {
  server: { name: string; id: string };
  data?: T;
  error?: { code: number; description: string };
}

async function ping<T>(
  nc: NatsConnection,
  what: string,
  expected: number,
  waitMs: number,
  body: unknown = '',
): Promise<Map<string, PingResponse<T>>> {
  const out = new Map<string, PingResponse<T>>();
  const payload = body === '' ? '' : JSON.stringify(body);
  const replies = await nc.requestMany(`$SYS.REQ.SERVER.PING.${what}`, payload, {
    strategy: 'count',
    maxMessages: expected,
    maxWait: waitMs,
  });
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

async function withConnection<T>(opts: ConnectionOptions, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ timeout: 3000, maxReconnectAttempts: 2, reconnectTimeWait: 200, ...opts });
  try {
    return await fn(nc);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** A meta group peer to remove: by its id, or by its server name while the group still knows it. */
export type MetaPeer = { peerId: string } | { server: string };

/**
 * Remove meta group peers of servers that are gone for good ($JS.API.SERVER.REMOVE, system
 * account), so they no longer count against the JetStream quorum. Returns those removed.
 */
export async function removeMetaPeers(connection: ConnectionOptions, peers: readonly MetaPeer[]): Promise<MetaPeer[]> {
  return withConnection({ name: 'sandbox-peer-remove', ...connection }, async (nc) => {
    const removed: MetaPeer[] = [];
    for (const p of peers) {
      const body = JSON.stringify('peerId' in p ? { peer_id: p.peerId } : { peer: p.server });
      const r = await nc.request('$JS.API.SERVER.REMOVE', body, { timeout: 5000 }).catch(() => undefined);
      if (r?.json<{ success?: boolean }>()?.success) removed.push(p);
    }
    return removed;
  });
}

/** Ask the JetStream meta leader to step down for `server` (system account, nats-server 2.11+); true when it did. */
export async function stepDownMetaLeader(connection: ConnectionOptions, server: string): Promise<boolean> {
  return withConnection({ name: 'sandbox-meta-stepdown', ...connection }, async (nc) => {
    const body = JSON.stringify({ placement: { preferred: server } });
    const r = await nc.request('$JS.API.META.LEADER.STEPDOWN', body, { timeout: 5000 }).catch(() => undefined);
    return r?.json<{ success?: boolean }>()?.success === true;
  });
}

/** Every server that answers, as a LiveServer. */
export async function observe(opts: ObserveOptions): Promise<LiveServer[]> {
  return liveServers(await observeAnswers(opts));
}

/** The monitoring answers of every server that answers through the system account. */
export async function observeAnswers(opts: ObserveOptions): Promise<MonitorAnswers[]> {
  const wait = opts.waitMs ?? 2000;
  return withConnection({ name: 'sandbox-status', ...opts.connection }, async (nc) => {
    const [varz, routez, gatewayz, jsz, healthz] = await Promise.all([
      ping<Varz>(nc, 'VARZ', opts.expectedServers, wait),
      ping<Routez>(nc, 'ROUTEZ', opts.expectedServers, wait),
      ping<Gatewayz>(nc, 'GATEWAYZ', opts.expectedServers, wait),
      ping<Jsz>(nc, 'JSZ', opts.expectedServers, wait),
      ping<Healthz>(nc, 'HEALTHZ', opts.expectedServers, wait, { details: true }),
    ]);
    const answers: MonitorAnswers[] = [];
    for (const [name, v] of varz) {
      if (!v.data) continue;
      const routes = routez.get(name)?.data;
      const gateways = gatewayz.get(name)?.data;
      const js = jsz.get(name)?.data;
      const health = healthz.get(name)?.data;
      answers.push({
        varz: v.data,
        ...(routes ? { routez: routes } : {}),
        ...(gateways ? { gatewayz: gateways } : {}),
        ...(js ? { jsz: js } : {}),
        ...(health ? { healthz: health } : {}),
      });
    }
    return answers;
  });
}

/** The copy of every stream on every JetStream server that answers (JSZ with accounts and streams). */
export async function observeStreamCopies(opts: ObserveOptions): Promise<StreamCopy[]> {
  return withConnection({ name: 'sandbox-stream-copies', ...opts.connection }, async (nc) => {
    const answers = await ping<JszStreams>(nc, 'JSZ', opts.expectedServers, opts.waitMs ?? 2000, { accounts: true, streams: true });
    return [...answers.values()].flatMap((a) => copiesIn(a.server.name, a.data));
  });
}

/**
 * The copies, and their disagreements that a second look `pauseMs` later confirms (a stream being
 * written disagrees for an instant all the time; see confirmedDisagreements). One look when all agree.
 */
export async function streamCopiesChecked(
  look: () => Promise<StreamCopy[]>,
  pauseMs = 500,
): Promise<{ copies: StreamCopy[]; disagreements: CopyDisagreement[] }> {
  const first = await look();
  if (!disagreements(first).length) return { copies: first, disagreements: [] };
  await new Promise((r) => setTimeout(r, pauseMs));
  const second = await look();
  return { copies: second, disagreements: confirmedDisagreements(first, second) };
}

/**
 * A server's monitoring answers from its own HTTP port, or undefined when it does not answer
 * within `timeoutMs` (a hung or dead server). For servers the system account did not reach: a
 * hung server on the path black-holes the broadcast for the healthy ones behind it.
 */
export async function monitorAnswers(baseUrl: string, jetstream: boolean, timeoutMs = 1000): Promise<MonitorAnswers | undefined> {
  const get = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${baseUrl}/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!r.ok && path !== 'healthz?details=true') throw new Error(`${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  };
  try {
    const [varz, routez, gatewayz, jsz, healthz] = await Promise.all([
      get<Varz>('varz'),
      get<Routez>('routez'),
      get<Gatewayz>('gatewayz'),
      jetstream ? get<Jsz>('jsz') : Promise.resolve(undefined),
      get<Healthz>('healthz?details=true'),
    ]);
    return { varz, routez, gatewayz, ...(jsz ? { jsz } : {}), healthz };
  } catch {
    return undefined;
  }
}
