// The text panels of the picture (JetStream, services, verdict) as lines with a tone, from the
// view model. Pure: the SVG draws them, the unit tests read them.
import type { TopologyView } from './view-model.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'muted' | 'normal';

interface PanelLine {
  text: string;
  tone: Tone;
}

export interface Panel {
  id: string;
  title: string;
  lines: PanelLine[];
}

const line = (text: string, tone: Tone = 'normal'): PanelLine => ({ text, tone });

export function verdictPanel(v: TopologyView): Panel {
  return {
    id: 'verdict',
    title: 'verdict',
    lines: [
      line(v.verdict, v.ok ? 'ok' : 'bad'),
      ...v.problems.map((p) => line(`- ${p.summary}`, 'bad')),
      ...(v.wan ? [line(v.wan, 'muted')] : []),
    ],
  };
}

export function jetstreamPanel(v: TopologyView): Panel {
  const js = v.jetstream;
  const lines = [line(`meta leader: ${js.metaLeader ?? 'none'}`, js.metaLeader ? 'ok' : 'bad')];
  if (!js.observed) lines.push(line('streams: not observed (no JetStream answer)', 'muted'));
  for (const s of js.streams) {
    const placement = [s.cluster, ...s.tags].filter(Boolean).join(' ');
    lines.push(
      line(
        `${s.name} R${s.replicas}${placement ? ` [${placement}]` : ''} leader ${s.leader ?? 'none'} · ${s.messages} msgs`,
        s.leader ? 'normal' : 'bad',
      ),
    );
    for (const f of s.followers) {
      const state = f.offline ? 'offline' : f.current ? `current, lag ${f.lag}` : `behind, lag ${f.lag}`;
      lines.push(line(`    ${f.name}: ${state}`, f.offline ? 'bad' : f.current ? 'muted' : 'warn'));
    }
    for (const c of s.consumers) lines.push(line(`    consumer ${c.name}: ${c.pending} pending, ${c.ackPending} unacked`, 'muted'));
  }
  for (const kv of js.kv) {
    lines.push(line(`KV ${kv.bucket} R${kv.replicas}${kv.cluster ? ` [${kv.cluster}]` : ''} · ${kv.values} values`));
  }
  return { id: 'jetstream', title: 'JetStream', lines };
}

export function servicesPanel(v: TopologyView): Panel {
  // Each region, then its edge sites (which run math services of their own).
  const places = v.regions.flatMap((r) => [
    { name: r.name, health: r.health, services: r.services },
    ...r.edges.map((e) => ({ name: `${e.name} (edge)`, health: e.health, services: e.services })),
  ]);
  const lines = places.flatMap((p) => {
    const s = p.services;
    if (!s.instances) return [line(`${p.name}: no service answers`, p.health === 'down' ? 'bad' : 'muted')];
    return [
      line(`${p.name}: ${s.instances} instance(s) · ${s.requests} requests · ${s.errors} errors`, s.errors ? 'warn' : 'normal'),
      line(`    ${s.names.join(', ')}`, 'muted'),
    ];
  });
  return { id: 'services', title: 'services per region', lines };
}
