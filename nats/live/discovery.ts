// Which services answer, found through the services framework ($SRV.INFO), not from the model.
import type { NatsConnection } from '@nats-io/transport-node';
import { svcm } from './services-framework.js';

export interface FoundService {
  name: string;
  id: string;
  version: string;
  region: string;
  instance: string;
  /** The process it runs in: a host of several services names itself in metadata.process. */
  process: string;
  endpoints: { name: string; subject: string; queue?: string }[];
}

export async function discoverServices(nc: NatsConnection, maxWaitMs = 1500): Promise<FoundService[]> {
  const infos = await svcm(nc).client({ strategy: 'stall', maxWait: maxWaitMs }).info();
  const out: FoundService[] = [];
  for await (const i of infos) {
    out.push({
      name: i.name,
      id: i.id,
      version: i.version,
      region: i.metadata?.region ?? '?',
      instance: i.metadata?.instance ?? i.id,
      process: i.metadata?.process ?? i.metadata?.instance ?? i.id,
      endpoints: (i.endpoints ?? []).map((e) => ({ name: e.name, subject: e.subject, ...(e.queue_group ? { queue: e.queue_group } : {}) })),
    });
  }
  return out.sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name) || a.instance.localeCompare(b.instance));
}

/** Services grouped by the region their metadata names. Pure. */
export function byRegion(found: FoundService[]): Record<string, FoundService[]> {
  const out: Record<string, FoundService[]> = {};
  for (const s of found) {
    out[s.region] ??= [];
    out[s.region]!.push(s);
  }
  return out;
}

/** Requests served and errors raised by one service instance (summed over its endpoints). */
export interface ServiceCounts {
  requests: number;
  errors: number;
}

/** Every answering service instance's STATS, by its services framework id. */
export async function serviceStats(nc: NatsConnection, maxWaitMs = 1500): Promise<Map<string, ServiceCounts>> {
  const stats = await svcm(nc).client({ strategy: 'stall', maxWait: maxWaitMs }).stats();
  const out = new Map<string, ServiceCounts>();
  for await (const s of stats) {
    const endpoints = s.endpoints ?? [];
    out.set(s.id, {
      requests: endpoints.reduce((n, e) => n + e.num_requests, 0),
      errors: endpoints.reduce((n, e) => n + e.num_errors, 0),
    });
  }
  return out;
}
