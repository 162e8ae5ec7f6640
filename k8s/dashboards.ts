// The NATS dashboard Grafana gets in every cluster, written here rather than copied: panels over
// the metrics the chart's prometheus-nats-exporter sidecar publishes (-varz, prefix "nats").

interface Panel {
  id: number;
  type: 'timeseries' | 'stat';
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: 'prometheus'; uid: string };
  fieldConfig: { defaults: { unit?: string }; overrides: never[] };
  targets: { refId: string; expr: string; legendFormat: string }[];
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana dashboard variable, not a template literal
const DATASOURCE = { type: 'prometheus' as const, uid: '${datasource}' };

const PANELS: { title: string; expr: string; legend: string; unit?: string; type?: Panel['type'] }[] = [
  { title: 'NATS servers answering', expr: 'count(nats_varz_connections)', legend: 'servers', type: 'stat' },
  { title: 'Client connections', expr: 'sum by (pod) (nats_varz_connections)', legend: '{{pod}}' },
  { title: 'Messages in per second', expr: 'sum by (pod) (rate(nats_varz_in_msgs[1m]))', legend: '{{pod}}', unit: 'mps' },
  { title: 'Messages out per second', expr: 'sum by (pod) (rate(nats_varz_out_msgs[1m]))', legend: '{{pod}}', unit: 'mps' },
  { title: 'Bytes in per second', expr: 'sum by (pod) (rate(nats_varz_in_bytes[1m]))', legend: '{{pod}}', unit: 'Bps' },
  { title: 'Bytes out per second', expr: 'sum by (pod) (rate(nats_varz_out_bytes[1m]))', legend: '{{pod}}', unit: 'Bps' },
  { title: 'Routes', expr: 'sum by (pod) (nats_varz_routes)', legend: '{{pod}}' },
  { title: 'Subscriptions', expr: 'sum by (pod) (nats_varz_subscriptions)', legend: '{{pod}}' },
  { title: 'Slow consumers', expr: 'sum by (pod) (nats_varz_slow_consumers)', legend: '{{pod}}' },
  { title: 'Memory', expr: 'sum by (pod) (nats_varz_mem)', legend: '{{pod}}', unit: 'bytes' },
  { title: 'CPU', expr: 'sum by (pod) (nats_varz_cpu)', legend: '{{pod}}', unit: 'percent' },
];

export function natsDashboard(cluster: string): Record<string, unknown> {
  const panels: Panel[] = PANELS.map((p, i) => ({
    id: i + 1,
    type: p.type ?? 'timeseries',
    title: p.title,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    datasource: DATASOURCE,
    fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
    targets: [{ refId: 'A', expr: p.expr, legendFormat: p.legend }],
  }));
  return {
    uid: `nats-supercluster-${cluster}`,
    title: `NATS supercluster (${cluster})`,
    tags: ['nats'],
    timezone: 'browser',
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' }] },
    panels,
  };
}
