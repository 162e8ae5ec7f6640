// What Prometheus scrapes of linkerd: port names of linkerd/linkerd2 edge-26.8.3's charts
// (multicluster controller/deployment.yaml: ctrl-admin; local-service-mirror.yaml: locsm-admin;
// control plane destination.yaml: dest-admin, policy-admin; identity.yaml: ident-admin) against
// the relabelings of our PodMonitor, applied the way Prometheus does (anchored regex).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkerdPodMonitors, type Relabeling } from '../../../k8s/monitoring.js';
import { validateObjects } from '../../../k8s/validate.js';

/** Whether a target with these labels survives keep/drop relabelings. */
function kept(relabelings: readonly Relabeling[], labels: Record<string, string>): boolean {
  for (const r of relabelings) {
    if (r.action !== 'keep' && r.action !== 'drop') continue;
    const value = (r.sourceLabels ?? []).map((l) => labels[l] ?? '').join(';');
    const match = new RegExp(`^(?:${r.regex ?? '(.*)'})$`).test(value);
    if ((r.action === 'keep') !== match) return false;
  }
  return true;
}

describe('linkerd PodMonitors', () => {
  const [controller] = linkerdPodMonitors();
  const endpoint = controller!.spec.podMetricsEndpoints[0]!;

  it('validate against the PodMonitor CRD of kube-prometheus-stack 88.5.3', () => {
    assert.deepEqual(validateObjects(linkerdPodMonitors()), []);
  });

  it("scrape the multicluster controllers' ctrl-admin and every control plane *-admin port, not the proxies' linkerd-admin", () => {
    assert.equal(endpoint.port, undefined, 'no single port name: the relabelings choose');
    const port = (name: string) => kept(endpoint.relabelings ?? [], { __meta_kubernetes_pod_container_port_name: name });
    for (const name of ['ctrl-admin', 'locsm-admin', 'dest-admin', 'policy-admin', 'ident-admin', 'injector-admin', 'admin'])
      assert.ok(port(name), name);
    for (const name of ['linkerd-admin', 'grpc', 'admin-http-not']) assert.ok(!port(name), name);
  });
});
