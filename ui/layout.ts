// The picture's graph for ELK (elkjs): region boxes holding their NATS cluster and their share of
// the stretched cluster, the stretched cluster's routes across regions, the gateway mesh, and the
// text panels as sized boxes. ELK places everything; nothing here computes a position.
import elkModule, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { jetstreamPanel, type Panel, servicesPanel } from './panels.js';
import type { EdgeSiteView, ServerView, TopologyView } from './view-model.js';

/** Monospace text metrics the SVG uses (12px DejaVu Sans Mono and its kin). */
export const FONT_SIZE = 12;
export const CHAR_WIDTH = 7.3;
export const LINE_HEIGHT = 16;
export const TITLE_HEIGHT = 26;
const SERVER_HEIGHT = 24;
/** Servers in a column in model order (seed, js, gw): box packing keeps the order its priorities give. */
const SERVER_COLUMN = { 'elk.algorithm': 'box', 'elk.aspectRatio': '0.05', 'elk.spacing.nodeNode': '8' };

/** What each ELK node stands for, so the drawing knows how to paint it. */
export type Shape =
  | { kind: 'region'; name: string }
  | { kind: 'cluster'; name: string; region: string }
  | { kind: 'stretched-share'; region: string }
  | { kind: 'edge-site'; region: string; name: string }
  | { kind: 'server'; server: ServerView }
  | { kind: 'mesh' }
  | { kind: 'mesh-cluster'; name: string }
  | { kind: 'panel'; panel: Panel };

export interface PictureGraph {
  root: ElkNode;
  shapes: Map<string, Shape>;
  /** Edge id -> what it shows. */
  edges: Map<string, { kind: 'stretched-route' | 'gateway'; state: 'up' | 'partial' | 'down'; a: string; b: string }>;
}

const textWidth = (s: string) => Math.ceil(s.length * CHAR_WIDTH) + 20;

/** An edge site's title: its domain and where its leafnode is. */
export function edgeTitle(e: EdgeSiteView): string {
  const where = e.connectedTo.length ? `-> ${e.connectedTo.join(', ')}${e.onFallback ? ' (fallback)' : ''}` : 'cut off';
  return `edge ${e.name} · domain ${e.domain} · ${where}`;
}

function compound(id: string, title: string, children: ElkNode[], extra: Record<string, string> = {}): ElkNode {
  return {
    id,
    children,
    layoutOptions: {
      'elk.padding': `[top=${TITLE_HEIGHT + 6},left=10,bottom=10,right=10]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${textWidth(title)}, 40)`,
      ...extra,
    },
  };
}

/** The graph ELK lays out for a view. Pure. */
export function pictureGraph(v: TopologyView): PictureGraph {
  const shapes = new Map<string, Shape>();
  const edges: PictureGraph['edges'] = new Map();
  // One width for every server box: the longest label, its leader mark and role.
  const allServers = [...v.regions.flatMap((r) => [...r.cluster.servers, ...r.edges.flatMap((e) => e.servers)]), ...v.stretched.servers];
  const serverWidth = Math.max(...allServers.map((s) => textWidth(`★ ${s.name}  ${s.role}`) + 14));
  const serverNode = (s: ServerView, i: number, all: ServerView[]): ElkNode => {
    const id = `server:${s.name}`;
    shapes.set(id, { kind: 'server', server: s });
    return { id, width: serverWidth, height: SERVER_HEIGHT, layoutOptions: { 'elk.priority': String(all.length - i) } };
  };

  const regions = v.regions.map((r) => {
    const clusterId = `cluster:${r.name}`;
    const shareId = `share:${r.name}`;
    shapes.set(clusterId, { kind: 'cluster', name: r.name, region: r.name });
    shapes.set(shareId, { kind: 'stretched-share', region: r.name });
    const regionId = `region:${r.name}`;
    shapes.set(regionId, { kind: 'region', name: r.name });
    return compound(regionId, `region ${r.name}`, [
      compound(
        clusterId,
        `NATS cluster ${r.name} · routes ${r.cluster.routes.present}/${r.cluster.routes.expected}`,
        r.cluster.servers.map(serverNode),
        SERVER_COLUMN,
      ),
      compound(shareId, `${v.stretched.name} (stretched)`, r.stretched.map(serverNode), SERVER_COLUMN),
      // Its edge sites beside it, each a box of its own (not part of the supercluster).
      ...r.edges.map((e) => {
        const id = `edge:${e.name}`;
        shapes.set(id, { kind: 'edge-site', region: r.name, name: e.name });
        return compound(id, edgeTitle(e), e.servers.map(serverNode), SERVER_COLUMN);
      }),
    ]);
  });

  // The stretched cluster: one edge between the shares of neighbouring regions, coloured by their routes.
  const rootEdges: ElkExtendedEdge[] = [];
  for (let i = 1; i < v.regions.length; i++) {
    const a = v.regions[i - 1]!.name;
    const b = v.regions[i]!.name;
    const link = v.stretchedRoutes.find((l) => l.a === a && l.b === b);
    const id = `route:${a}:${b}`;
    edges.set(id, { kind: 'stretched-route', state: link?.state ?? 'down', a, b });
    rootEdges.push({ id, sources: [`share:${a}`], targets: [`share:${b}`] });
  }

  // The gateway mesh: one node per NATS cluster, one edge per pair.
  const meshClusters = [...v.regions.map((r) => r.name), v.stretched.name];
  const meshNodes = meshClusters.map((name): ElkNode => {
    const id = `gw:${name}`;
    shapes.set(id, { kind: 'mesh-cluster', name });
    return { id, width: textWidth(name), height: 28 };
  });
  const meshEdges = v.gateways.map((g): ElkExtendedEdge => {
    const id = `gateway:${g.a}:${g.b}`;
    edges.set(id, { kind: 'gateway', state: g.state, a: g.a, b: g.b });
    return { id, sources: [`gw:${g.a}`], targets: [`gw:${g.b}`] };
  });
  shapes.set('mesh', { kind: 'mesh' });
  const mesh: ElkNode = {
    ...compound('mesh', 'gateway mesh', meshNodes, { 'elk.algorithm': 'stress', 'elk.stress.desiredEdgeLength': '110' }),
    edges: meshEdges,
  };

  const panels = [jetstreamPanel(v), servicesPanel(v)].map((p): ElkNode => {
    const id = `panel:${p.id}`;
    shapes.set(id, { kind: 'panel', panel: p });
    return {
      id,
      width: Math.max(textWidth(p.title), ...p.lines.map((l) => textWidth(l.text))),
      height: TITLE_HEIGHT + p.lines.length * LINE_HEIGHT + 10,
    };
  });

  // The regions in a row, joined by the stretched cluster's routes (edges across the hierarchy).
  const supercluster: ElkNode = {
    id: 'supercluster',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children: regions,
    edges: rootEdges,
  };
  // Then the mesh and the panels, packed in this order (box layout keeps the order of priorities).
  const parts = [supercluster, mesh, ...panels];
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'box',
      'elk.aspectRatio': '1.6',
      'elk.spacing.nodeNode': '24',
      'elk.padding': '[top=10,left=10,bottom=10,right=10]',
    },
    children: parts.map((p, i) => ({ ...p, layoutOptions: { ...p.layoutOptions, 'elk.priority': String(parts.length - i) } })),
  };
  return { root, shapes, edges };
}

// elkjs is CommonJS with types that declare an ES default export: at run time the module itself is the class.
const ELK = elkModule as unknown as typeof elkModule.default;
const elk = new ELK();

/** The graph with ELK's positions filled in. */
export async function layoutPicture(v: TopologyView): Promise<PictureGraph> {
  const graph = pictureGraph(v);
  return { ...graph, root: await elk.layout(graph.root) };
}
