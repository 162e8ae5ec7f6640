// What the plan asks of the charts, checked against their upstream values: haproxytech/helm-charts
// kubernetes-ingress-1.52.1 kubernetes-ingress/values.yaml (controller.service.enablePorts,
// controller.pprof, ingressClassResource.name "haproxy"), prometheus-community/helm-charts
// kube-prometheus-stack-88.5.3 values.yaml (grafana.ingress), nats chart (config.jetstream.fileStore.pvc).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { coalesce } from '../../../k8s/nats-chart.js';
import { jetstreamVolumeSize } from '../../../k8s/nats-values.js';
import { ROOT } from '../../support/helpers.js';
import { testPlans } from '../../support/kube-plan.js';

const names = ['c1', 'c2'];
const [c1] = testPlans('kube', { names, servicesImage: 'registry.example.com/nats-sandbox-services:1' });

describe('the plan', () => {
  it('runs nats-box in the seed release with ready mTLS contexts for the admin (default) and the system user', () => {
    const seed = c1!.supercluster.nats.find((r) => r.release === 'c1')!.values as any;
    assert.equal(seed.natsBox.enabled, true);
    assert.equal(seed.natsBox.defaultContextName, 'admin');
    assert.deepEqual(seed.natsBox.contexts.admin, {
      tls: { secretName: 'nats-client-admin' },
      merge: { ca: '/etc/nats-certs/admin/ca.crt' },
    });
    // Over the chart's own values (its `default` context has no certificate): ours only, each with one.
    const chart = parse(readFileSync(join(ROOT, 'test/fixtures/upstream/nats-chart/2.14.2/values.yaml'), 'utf8'));
    const merged = coalesce(chart, seed) as any;
    assert.deepEqual(Object.keys(merged.natsBox.contexts), ['admin', 'sys']);
    for (const ctx of Object.values<any>(merged.natsBox.contexts)) assert.ok(ctx.tls.secretName);
    for (const r of c1!.supercluster.nats.filter((x) => x.release !== 'c1'))
      assert.equal((r.values as any).natsBox.enabled, false, r.release);
  });

  it("keeps haproxy's stats page and pprof off its public LoadBalancer, and pprof off", () => {
    const controller = (c1!.ingress.haproxy.values as { controller: Record<string, any> }).controller;
    assert.equal(controller.service.enablePorts.stat, false);
    assert.equal(controller.service.enablePorts.admin, false);
    assert.equal(controller.pprof.enabled, false);
    assert.equal(controller.podMonitor.enabled, true, 'metrics still scraped, from the pod');
  });

  it('puts Grafana behind the haproxy ingress at grafana.<cluster>.local', () => {
    const grafana = (c1!.observability.stack.values as { grafana: { ingress: Record<string, unknown> } }).grafana;
    assert.deepEqual(grafana.ingress, { enabled: true, ingressClassName: 'haproxy', hosts: ['grafana.c1.local'], path: '/' });
  });

  it('gives the JetStream volume headroom over max_file_store', () => {
    assert.equal(jetstreamVolumeSize(4096 * 1024 ** 2), '5120Mi');
    assert.equal(jetstreamVolumeSize(256 * 1024 ** 2), '512Mi');
    const js = c1!.supercluster.nats.find((r) => r.release === 'c1-js')!.values as any;
    const maxFile = js.config.jetstream.merge.max_file_store as number;
    assert.ok(Number.parseInt(js.config.jetstream.fileStore.pvc.size, 10) * 1024 ** 2 > maxFile);
  });
});
