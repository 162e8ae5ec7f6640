// Draw the laid-out picture as one standalone SVG document: the page shows it inline and the
// snapshot writes it to a file, so both are the same picture. Pure (the layout is done before).
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import { CHAR_WIDTH, edgeTitle, FONT_SIZE, LINE_HEIGHT, type PictureGraph, type Shape, TITLE_HEIGHT } from './layout.js';
import { type Panel, type Tone, verdictPanel } from './panels.js';
import type { Health, TopologyView } from './view-model.js';

export const COLORS = {
  up: '#2e9e5b',
  degraded: '#d99a00',
  partial: '#d99a00',
  down: '#d64545',
  ink: '#1f2933',
  muted: '#6b7785',
  region: '#fbfcfd',
  cluster: '#eaf2fb',
  stretched: '#f1eafb',
  stretchedInk: '#7a4cc2',
  panel: '#f7f7f4',
} as const;

const TONE: Record<Tone, string> = { ok: COLORS.up, bad: COLORS.down, warn: COLORS.degraded, muted: COLORS.muted, normal: COLORS.ink };
const HEALTH_FILL: Record<Health, string> = { up: '#e3f4ea', degraded: '#fbf0d0', down: '#fbe2e2' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const text = (x: number, y: number, s: string, attrs = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;

function panelLines(p: Panel, x: number, y: number): string {
  return p.lines
    .map((l, i) => text(x + 10, y + TITLE_HEIGHT + 4 + (i + 1) * LINE_HEIGHT - 4, l.text, `fill="${TONE[l.tone]}" xml:space="preserve"`))
    .join('');
}

function drawNode(node: ElkNode, shape: Shape, x: number, y: number, v: TopologyView): string {
  const w = node.width ?? 0;
  const h = node.height ?? 0;
  const rect = (fill: string, stroke: string, extra = '') =>
    `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="6" fill="${fill}" stroke="${stroke}"${extra}/>`;
  const title = (s: string, fill: string = COLORS.ink) => text(x + 10, y + 18, s, `font-weight="bold" fill="${fill}"`);
  switch (shape.kind) {
    case 'region': {
      const r = v.regions.find((x) => x.name === shape.name)!;
      return `<g class="region" data-region="${escapeXml(r.name)}" data-health="${r.health}">${rect(COLORS.region, COLORS[r.health], ' stroke-width="2"')}${title(`region ${r.name}`, COLORS[r.health])}</g>`;
    }
    case 'cluster': {
      const c = v.regions.find((x) => x.name === shape.region)!.cluster;
      return `<g class="cluster" data-cluster="${escapeXml(c.name)}" data-health="${c.health}">${rect(COLORS.cluster, '#9fb6cf')}${title(`NATS cluster ${c.name} · routes ${c.routes.present}/${c.routes.expected}`)}</g>`;
    }
    case 'stretched-share':
      return `<g class="stretched-share" data-region="${escapeXml(shape.region)}">${rect(COLORS.stretched, COLORS.stretchedInk)}${title(`${v.stretched.name} (stretched)`, COLORS.stretchedInk)}</g>`;
    case 'edge-site': {
      const e = v.regions.find((x) => x.name === shape.region)!.edges.find((x) => x.name === shape.name)!;
      return `<g class="edge-site" data-edge="${escapeXml(e.name)}" data-health="${e.health}">${rect(COLORS.cluster, COLORS[e.health], ' stroke-dasharray="5 3"')}${title(edgeTitle(e), COLORS[e.health])}</g>`;
    }
    case 'server': {
      const s = shape.server;
      const label = `${s.metaLeader ? '★ ' : ''}${s.name}`;
      const tip = [`${s.name} (${s.role}, cluster ${s.cluster}): ${s.health}`, ...s.why, s.version ? `nats-server ${s.version}` : '']
        .filter(Boolean)
        .join('\n');
      return (
        `<g class="server" data-server="${escapeXml(s.name)}" data-role="${s.role}" data-health="${s.health}"${s.metaLeader ? ' data-meta-leader="true"' : ''}>` +
        `<title>${escapeXml(tip)}</title>${rect(HEALTH_FILL[s.health], COLORS[s.health])}` +
        `<circle cx="${(x + 11).toFixed(1)}" cy="${(y + h / 2).toFixed(1)}" r="5" fill="${COLORS[s.health]}"/>` +
        text(x + 22, y + h / 2 + 4, label, `fill="${COLORS.ink}"`) +
        text(x + w - 8, y + h / 2 + 4, s.role, `text-anchor="end" fill="${COLORS.muted}"`) +
        '</g>'
      );
    }
    case 'mesh':
      return `<g class="mesh">${rect('#ffffff', '#b8c2cc')}${title('gateway mesh')}</g>`;
    case 'mesh-cluster': {
      const c = shape.name === v.stretched.name ? v.stretched : v.regions.find((r) => r.name === shape.name)!.cluster;
      return `<g class="mesh-cluster" data-cluster="${escapeXml(c.name)}" data-health="${c.health}">${rect(HEALTH_FILL[c.health], COLORS[c.health])}${text(x + w / 2, y + h / 2 + 4, c.name, `text-anchor="middle" fill="${COLORS.ink}"`)}</g>`;
    }
    case 'panel':
      return `<g class="panel" data-panel="${shape.panel.id}">${rect(COLORS.panel, '#c9cbc4')}${title(shape.panel.title)}${panelLines(shape.panel, x, y)}</g>`;
  }
}

function drawEdge(edge: ElkExtendedEdge, info: NonNullable<ReturnType<PictureGraph['edges']['get']>>, dx: number, dy: number): string {
  const color = COLORS[info.state];
  const stretched = info.kind === 'stretched-route';
  const paths = (edge.sections ?? []).map((s) => {
    const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${(p.x + dx).toFixed(1)},${(p.y + dy).toFixed(1)}`);
    return `<polyline points="${pts.join(' ')}" fill="none" stroke="${stretched && info.state === 'up' ? COLORS.stretchedInk : color}" stroke-width="${stretched ? 4 : 2.5}"${info.state === 'up' ? '' : ' stroke-dasharray="6 4"'}/>`;
  });
  const title = stretched ? `xr-js routes ${info.a} ⇄ ${info.b}: ${info.state}` : `gateways ${info.a} ⇄ ${info.b}: ${info.state}`;
  return `<g class="${stretched ? 'stretched-route' : 'gateway'}" data-link="${escapeXml(`${info.a}|${info.b}`)}" data-state="${info.state}"><title>${escapeXml(title)}</title>${paths.join('')}</g>`;
}

/**
 * The SVG document of a laid-out picture, with the verdict and problems above it unless the page
 * shows them itself (`header: false`).
 */
export function renderSvg(graph: PictureGraph, v: TopologyView, opts: { header?: boolean } = {}): string {
  const withHeader = opts.header ?? true;
  const verdict = withHeader ? verdictPanel(v) : { id: 'verdict', title: '', lines: [] };
  const headerHeight = withHeader ? TITLE_HEIGHT + verdict.lines.length * LINE_HEIGHT + 14 : 0;
  const absolute = new Map<string, { x: number; y: number }>();
  const parts: string[] = [];
  const edgeParts: string[] = [];
  const walk = (node: ElkNode, ox: number, oy: number) => {
    const x = ox + (node.x ?? 0);
    const y = oy + (node.y ?? 0);
    absolute.set(node.id, { x, y });
    const shape = graph.shapes.get(node.id);
    if (shape) parts.push(drawNode(node, shape, x, y, v));
    for (const c of node.children ?? []) walk(c, x, y);
    for (const e of node.edges ?? []) {
      const info = graph.edges.get(e.id);
      // ELK gives edge points relative to the edge's container (the node holding it, unless it says otherwise).
      const container = absolute.get((e as { container?: string }).container ?? node.id) ?? { x, y };
      if (info) edgeParts.push(drawEdge(e, info, container.x, container.y));
    }
  };
  walk(graph.root, 0, headerHeight);
  const width = Math.max(graph.root.width ?? 0, ...verdict.lines.map((l) => l.text.length * CHAR_WIDTH + 30));
  const height = headerHeight + (graph.root.height ?? 0);
  const header = !withHeader
    ? ''
    : `<g class="verdict" data-ok="${v.ok}">` +
      text(
        10,
        20,
        `NATS supercluster · ${v.servers.up}/${v.servers.total} servers answer · ${v.at}`,
        `font-weight="bold" fill="${COLORS.ink}"`,
      ) +
      panelLines(verdict, 0, 0) +
      '</g>';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" ` +
    `font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT_SIZE}" role="img">` +
    `<title>${escapeXml(`NATS supercluster, ${v.servers.up}/${v.servers.total} servers answer: ${v.verdict}`)}</title>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${header}${parts.join('')}${edgeParts.join('')}</svg>\n`
  );
}
