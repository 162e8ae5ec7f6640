// Text and JSON views of a status observation. Pure.
import type { Observation } from './observation.js';
import { type ClusterRow, type LiveServer, sum, type Verdict } from './verify.js';

export type Align = 'left' | 'right';

/** The width of each column and a cell padded to it. */
function columns(headers: string[], rows: string[][], align: Align[]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (align[i] === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  return { widths, cell };
}

/** A plain table: a header, a rule of dashes, the rows (the drill report's). */
export function plainTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const { widths, cell } = columns(headers, rows, align);
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A boxed table in the style of `nats server list`. */
export function renderTable(title: string, headers: string[], rows: string[][], align: Align[] = [], footer?: string[]): string {
  const { widths, cell } = columns(headers, footer ? [...rows, footer] : rows, align);
  const line = (cells: string[]) => `│ ${cells.map((c, i) => cell(c, i)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const inner = widths.reduce((a, w) => a + w + 3, -1);
  const pad = Math.max(0, inner - title.length);
  const out = [
    `╭${'─'.repeat(inner)}╮`,
    `│${' '.repeat(Math.floor(pad / 2))}${title}${' '.repeat(Math.ceil(pad / 2))}│`,
    rule('├', '┬', '┤'),
    line(headers),
    rule('├', '┼', '┤'),
    ...rows.map(line),
  ];
  if (footer) out.push(rule('├', '┼', '┤'), line(footer));
  out.push(rule('╰', '┴', '╯'));
  return out.join('\n');
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

export function serverTable(live: LiveServer[]): string {
  const rows = live.map((s) => [
    s.name,
    s.cluster,
    s.version,
    s.jetstream ? 'yes' : 'no',
    String(s.connections),
    String(s.routes),
    String(s.outboundGateways.length),
    String(sum(Object.values(s.inboundGateways))),
    formatBytes(s.memBytes),
    s.uptime,
  ]);
  const footer = [
    `${live.length} servers`,
    `${new Set(live.map((s) => s.cluster)).size} clusters`,
    '',
    String(live.filter((s) => s.jetstream).length),
    String(sum(live.map((s) => s.connections))),
    '',
    '',
    '',
    formatBytes(sum(live.map((s) => s.memBytes))),
    '',
  ];
  return renderTable(
    'Server Overview',
    ['Name', 'Cluster', 'Version', 'JS', 'Conns', 'Routes', 'GWs out', 'GWs in', 'Mem', 'Uptime'],
    rows,
    ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    footer,
  );
}

export function clusterTable(clusters: ClusterRow[]): string {
  const mark = (got: number, want: number) => (got === want ? String(got) : `${got} (want ${want})`);
  const rows = clusters.map((c) => [
    c.name,
    mark(c.nodes, c.expectedNodes),
    String(c.jetstreamServers),
    mark(c.outgoingGateways, c.expectedOutgoingGateways),
    mark(c.incomingGateways, c.expectedIncomingGateways),
    String(c.connections),
  ]);
  const footer = [
    '',
    String(sum(clusters.map((c) => c.nodes))),
    String(sum(clusters.map((c) => c.jetstreamServers))),
    String(sum(clusters.map((c) => c.outgoingGateways))),
    String(sum(clusters.map((c) => c.incomingGateways))),
    String(sum(clusters.map((c) => c.connections))),
  ];
  return renderTable(
    'Cluster Overview',
    ['Cluster', 'Node Count', 'JetStream', 'Outgoing Gateways', 'Incoming Gateways', 'Connections'],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'right'],
    footer,
  );
}

export function verdictLine(verdict: Verdict, live: LiveServer[]): string {
  const clusters = verdict.clusters.length;
  const js = live.filter((s) => s.jetstream).length;
  if (verdict.ok) {
    return `OK: ${live.length} servers in ${clusters} NATS clusters, ${js} with JetStream (meta leader ${verdict.metaLeader ?? 'n/a'}), full gateway mesh`;
  }
  return `NOT OK: ${verdict.problems.length} problem(s):\n${verdict.problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * The headline of a whole observation and one line per cause: OK only when nothing at all is
 * wrong (the supercluster and every section), so the headline never disagrees with the exit code.
 */
export function headline(o: Observation, verbose = false): string {
  if (o.ok) return verdictLine(o.verdict, o.live);
  const lines = o.causes.flatMap((c) => [`  - ${c.summary}`, ...(verbose ? c.details.map((d) => `      ${d}`) : [])]);
  const hidden = !verbose && o.causes.some((c) => c.details.length) ? ['  (--verbose lists what follows from each cause)'] : [];
  return [`NOT OK: ${o.causes.length} problem(s)${o.verdict.ok ? ' (the supercluster itself is healthy)' : ''}:`, ...lines, ...hidden].join(
    '\n',
  );
}

export interface StatusJson {
  servers: (LiveServer & { gateways: number })[];
  clusters: ClusterRow[];
  ok: boolean;
  problems: string[];
  metaLeader?: string;
}

export function statusJson(verdict: Verdict, live: LiveServer[]): StatusJson {
  return {
    servers: live.map((s) => ({ ...s, gateways: s.outboundGateways.length })),
    clusters: verdict.clusters,
    ok: verdict.ok,
    problems: verdict.problems,
    ...(verdict.metaLeader ? { metaLeader: verdict.metaLeader } : {}),
  };
}
