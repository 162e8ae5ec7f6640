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
