// The mesh invariant: no NATS port is left to linkerd's protocol detection (NATS servers speak
// first, so detection stalls each connection ~10 s). Every dial of the dial graph is followed to
// what linkerd decides opacity from, per linkerd/linkerd2 edge-26.8.3:
// - a Service we render or the chart renders: its config.linkerd.io/opaque-ports annotation;
// - a pod reached by its headless DNS name: the pod's annotation;
// - linkerd's mirror of another cluster's Service: the exported Service's annotation, which the
//   mirror copies (multicluster/service-mirror/cluster_watcher.go, getCommonServiceAnnotations);
// - the per-pod mirror of a headless Service: no annotation at all (cluster_watcher_headless.go,
//   createEndpointMirrorService), so the control plane's proxy.opaquePorts default applies;
// - an address outside the cluster's Services (a node, a LoadBalancer): the same default.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { natsDials } from '../../../k8s/dials.js';
import { natsOpaquePorts } from '../../../k8s/edges.js';
import { natsFullname } from '../../../k8s/names.js';
import { type ClusterPlan, kubePlan, opaquePortsWithNats, type PlanInput } from '../../../k8s/plan.js';
import { linkerdPin } from '../../../k8s/upstream.js';
import { KUBERNETES_LEAFNODE_PORT, KUBERNETES_PORTS } from '../../../nats/addressing.js';
import { STRETCHED_CLUSTER } from '../../../nats/topology.js';
import { testPlanInput } from '../../support/kube-plan.js';

const NAMES = ['c1', 'c2', 'c3'];
const NATS_PORTS = [KUBERNETES_PORTS.client, KUBERNETES_PORTS.cluster, KUBERNETES_PORTS.gateway, KUBERNETES_LEAFNODE_PORT];
const ANNOTATION = 'config.linkerd.io/opaque-ports';

// With an edge site, so its leafnode dials (to the ingress, on 7422) are followed too; without one
// no pod listens on 7422 and the lists stay as they were (edges.test.ts).
const input: PlanInput = testPlanInput('k3d', { names: NAMES, edges: [{ name: 'e1', hub: 'c1' }] });
const plans = kubePlan(input);
const planOf = (c: string) => plans.find((p) => p.target.name === c)!;

const ports = (list: string | undefined) => new Set((list ?? '').split(',').filter(Boolean).map(Number));

interface NatsValues {
  podTemplate: { merge: { metadata: { annotations: Record<string, string> } } };
  service: { merge: { metadata: { annotations: Record<string, string> } } };
  headlessService: { merge: { metadata: { annotations: Record<string, string> } } };
}
function natsValues(plan: ClusterPlan, fullname: string): NatsValues {
  const r = plan.supercluster.nats.find((x) => natsFullname(x.release) === fullname);
  assert.ok(r, `${plan.target.name}: no release for ${fullname}`);
  return r.values as unknown as NatsValues;
}

/** The control plane's default opaque ports in a cluster. */
function defaults(plan: ClusterPlan): Set<number> {
  return ports(
    (plan.linkerd.controlPlane.values as { proxy?: { opaquePorts?: string } }).proxy?.opaquePorts ??
      linkerdPin(input.settings).defaultOpaquePorts,
  );
}

/** The opaque ports linkerd applies to a connection from `from` to `host`. */
function opaqueFor(from: string, host: string): { why: string; ports: Set<number> } {
  const plan = planOf(from);
  const xr = natsFullname(STRETCHED_CLUSTER);
  const [first, second] = host.split('.');
  if (NAMES.some((c) => input.ingressHost(c) === host)) return { why: 'an address outside the Services (default)', ports: defaults(plan) };
  if (second?.startsWith(`${xr}-headless-`)) return { why: 'a per-pod mirror (no annotation: default)', ports: defaults(plan) };
  const svc = second && !['nats', 'svc'].includes(second) ? second : first!;
  for (const dc of NAMES) {
    if (svc !== `${xr}-${dc}`) continue;
    if (dc === from) {
      const local = plan.supercluster.xrJsService.objects[0]!.metadata.annotations?.[ANNOTATION];
      return { why: 'our xr-js-nats-<dc> Service', ports: ports(local) };
    }
    return {
      why: `the mirror of ${dc}'s xr-js Service`,
      ports: ports(natsValues(planOf(dc), xr).service.merge.metadata.annotations[ANNOTATION]),
    };
  }
  if (second && !['nats', 'svc'].includes(second)) {
    const values = natsValues(plan, svc.replace(/-headless$/, ''));
    return {
      why: 'a NATS pod by its headless name (the pod annotation)',
      ports: ports(values.podTemplate.merge.metadata.annotations[ANNOTATION]),
    };
  }
  return { why: 'a NATS chart Service', ports: ports(natsValues(plan, svc).service.merge.metadata.annotations[ANNOTATION]) };
}

describe('the mesh invariant', () => {
  it('leaves no dialled NATS port to protocol detection', () => {
    const failures = natsDials(input, plans)
      .filter((d) => NATS_PORTS.includes(d.port))
      .flatMap((d) => {
        const { why, ports } = opaqueFor(d.from, d.host);
        return ports.has(d.port) ? [] : [`${d.by} (from ${d.from}) to ${d.host}:${d.port}: ${why} does not make ${d.port} opaque`];
      });
    assert.deepEqual(failures, []);
  });

  it('makes the NATS ports opaque on every NATS pod and Service, headless included, and on haproxy', () => {
    for (const plan of plans) {
      for (const r of plan.supercluster.nats) {
        const v = r.values as unknown as NatsValues;
        for (const [what, a] of [
          ['pods', v.podTemplate.merge.metadata.annotations],
          ['service', v.service.merge.metadata.annotations],
          ['headless service', v.headlessService.merge.metadata.annotations],
        ] as const)
          for (const p of NATS_PORTS) assert.ok(ports(a[ANNOTATION]).has(p), `${plan.target.name} ${r.release} ${what}: ${p}`);
      }
      const haproxy = plan.ingress.haproxy.values as { controller: { podAnnotations: Record<string, string> } };
      for (const p of [KUBERNETES_PORTS.client, KUBERNETES_PORTS.gateway, KUBERNETES_LEAFNODE_PORT])
        assert.ok(ports(haproxy.controller.podAnnotations[ANNOTATION]).has(p));
    }
  });

  it("keeps linkerd's own default opaque ports (MySQL's 3306 among them) when adding the NATS ones", () => {
    const pin = linkerdPin(input.settings);
    assert.equal(pin.defaultOpaquePorts, '25,587,3306,4444,5432,6379,9300,11211');
    assert.equal(
      (planOf('c1').linkerd.controlPlane.values as { proxy: { opaquePorts: string } }).proxy.opaquePorts,
      opaquePortsWithNats(pin.defaultOpaquePorts, natsOpaquePorts(input.topo)),
    );
    for (const p of [3306, ...NATS_PORTS]) assert.ok(defaults(planOf('c1')).has(p), String(p));
  });

  it("makes the linkerd namespace as linkerd's own install does, and sets nothing the chart ignores", () => {
    // linkerd/linkerd2 charts/linkerd-control-plane/templates/namespace.yaml (rendered for the CLI only)
    const ns = planOf('c1').linkerd.namespace.objects[0]!;
    assert.deepEqual(ns.metadata.labels, {
      'linkerd.io/is-control-plane': 'true',
      'config.linkerd.io/admission-webhooks': 'disabled',
      'linkerd.io/control-plane-ns': 'linkerd',
      'pod-security.kubernetes.io/enforce': 'privileged',
    });
    assert.deepEqual(ns.metadata.annotations, { 'linkerd.io/inject': 'disabled' });
    // With the heartbeat off the control plane has no use for prometheusUrl; linkerd-viz has it.
    const values = planOf('c1').linkerd.controlPlane.values as Record<string, unknown>;
    assert.equal(values.disableHeartBeat, true);
    assert.equal(values.prometheusUrl, undefined);
    assert.ok((planOf('c1').observability.viz.values as { prometheusUrl?: string }).prometheusUrl);
  });
});
