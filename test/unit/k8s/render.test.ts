// The render folder: releases.json, values and manifests, and what the stages apply is what it holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { FLAVORS } from '../../../cluster/kubernetes/flavor.js';
import { readKubeSettings } from '../../../core/settings.js';
import type { K8sObject } from '../../../k8s/objects.js';
import { type ClusterPlan, kubePlan, planReleases } from '../../../k8s/plan.js';
import { type ReleaseEntry, renderPlan } from '../../../k8s/render.js';
import type { KubeProvider } from '../../../k8s/targets.js';
import { validateObjects } from '../../../k8s/validate.js';
import { k3dIngressHost } from '../../../nats/addressing.js';
import { type Credentials, DEFAULT_JS_LIMITS } from '../../../nats/server-config.js';
import { buildTopology } from '../../../nats/topology.js';
import { TEST_CREDENTIALS, testPlans } from '../../support/kube-plan.js';
import { PRIVATE_KEY_LABEL } from '../../support/secret-scan.js';

const creds = TEST_CREDENTIALS;
const otherCreds: Credentials = {
  sys: 'x1',
  admin: 'x2',
  math: 'x3',
  requester: 'x4',
  recorder: 'x5',
  gateway: { user: 'gateway', password: 'x6' },
  route: { user: 'route', password: 'x7' },
};

function plansFor(provider: KubeProvider, names = ['c1', 'c2', 'c3'], credentials = creds): ClusterPlan[] {
  return testPlans(provider, { names, credentials, contexts: { c2: 'my-eks' } });
}

describe('render folder', () => {
  it('lists every release with chart, pinned version and a values file that exists', () => {
    const files = renderPlan(plansFor('k3d'));
    const releases = JSON.parse(files.get('releases.json')!) as ReleaseEntry[];
    assert.equal(releases.length, 3 * 12);
    for (const r of releases) {
      assert.deepEqual(Object.keys(r), ['cluster', 'context', 'namespace', 'release', 'chart', 'version', 'values']);
      assert.match(r.chart, /^[a-z-]+\/[a-z-]+$/);
      assert.ok(files.has(r.values), `${r.values} is written`);
      assert.ok(!r.values.startsWith('/'), 'values paths are relative');
      assert.equal(typeof YAML.parse(files.get(r.values)!), 'object');
    }
    const c1 = releases.filter((r) => r.cluster === 'c1').map((r) => `${r.namespace}/${r.release} ${r.chart}@${r.version}`);
    assert.deepEqual(c1, [
      'cert-manager/cert-manager jetstack/cert-manager@v1.17.4',
      'cert-manager/trust-manager jetstack/trust-manager@v0.18.0',
      'linkerd/linkerd-crds linkerd-edge/linkerd-crds@2026.8.3',
      'linkerd/linkerd-control-plane linkerd-edge/linkerd-control-plane@2026.8.3',
      'linkerd-multicluster/linkerd-multicluster linkerd-edge/linkerd-multicluster@2026.8.3',
      'prometheus/prometheus prometheus-community/kube-prometheus-stack@88.5.3',
      'linkerd-viz/linkerd-viz linkerd-edge/linkerd-viz@2026.8.3',
      'haproxy-ingress/haproxy-ingress haproxytech/kubernetes-ingress@1.52.1',
      'nats/c1 nats/nats@2.14.2',
      'nats/c1-js nats/nats@2.14.2',
      'nats/c1-gw nats/nats@2.14.2',
      'nats/xr-js nats/nats@2.14.2',
    ]);
  });

  it('writes every manifest as valid YAML of valid objects under <cluster>/manifests', () => {
    const files = renderPlan(plansFor('kube'));
    const manifests = [...files.keys()].filter((f) => /^c\d\/manifests\/.+\.yaml$/.test(f));
    assert.equal(
      manifests.length,
      3 * 16 + 1,
      "12 per cluster, the services namespace, PKI, workloads and requester Job, and stage 07's Job in the first",
    );
    for (const f of manifests) {
      const objects = YAML.parseAllDocuments(files.get(f)!).map((d) => d.toJS() as K8sObject);
      assert.ok(objects.length > 0, f);
      assert.deepEqual(validateObjects(objects), [], f);
    }
  });

  it('holds the NATS PKI of every cluster: the CA Issuer, the server certificate with its external address, a client certificate per identity', () => {
    const pki = (provider: KubeProvider, cluster: string) =>
      YAML.parseAllDocuments(renderPlan(plansFor(provider)).get(`${cluster}/manifests/nats-pki.yaml`)!).map(
        (d) => d.toJS() as K8sObject & { spec: any },
      );
    const objects = pki('k3d', 'c2');
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
      [
        'Issuer nats/nats-sandbox-ca',
        'Certificate nats/nats-server-tls',
        ...['sys', 'admin', 'math', 'requester', 'recorder'].map((id) => `Certificate nats/nats-client-${id}`),
      ],
    );
    const server = objects.find((o) => o.metadata.name === 'nats-server-tls')!;
    assert.ok(server.spec.dnsNames.includes('k3d-c2-agent-0'), 'k3d: the node the other clusters dial');
    const kube = pki('kube', 'c2').find((o) => o.metadata.name === 'nats-server-tls')!;
    assert.ok(
      !kube.spec.dnsNames.some((n: string) => n.endsWith('.invalid')),
      'kube: no placeholder, install adds the LoadBalancer address',
    );
    assert.ok(!JSON.stringify(objects).includes(PRIVATE_KEY_LABEL));
  });

  it("with edge sites: each edge's release and values file in its hub's folder, the leafnode route in every region's", () => {
    const files = renderPlan(testPlans('k3d', { edges: [{ name: 'e1', hub: 'c1' }] }));
    const releases = JSON.parse(files.get('releases.json')!) as ReleaseEntry[];
    assert.equal(releases.length, 3 * 12 + 1);
    assert.deepEqual(
      releases.filter((r) => r.release === 'e1-leaf'),
      [
        {
          cluster: 'c1',
          context: 'k3d-c1',
          namespace: 'nats',
          release: 'e1-leaf',
          chart: 'nats/nats',
          version: '2.14.2',
          values: 'c1/values/e1-leaf.yaml',
        },
      ],
    );
    const values = YAML.parse(files.get('c1/values/e1-leaf.yaml')!);
    assert.equal(values.fullnameOverride, 'e1-leaf-nats');
    assert.equal(values.config.jetstream.merge.domain, 'e1');
    for (const c of ['c1', 'c2', 'c3']) {
      const tcp = YAML.parseAllDocuments(files.get(`${c}/manifests/nats-haproxy-tcp.yaml`)!).map((d) => d.toJS() as K8sObject);
      assert.deepEqual(
        tcp.map((o) => o.metadata.name),
        ['nats-gateway', 'nats-client', 'nats-leafnodes'],
      );
      assert.deepEqual(validateObjects(tcp), [], c);
      assert.equal(YAML.parse(files.get(`${c}/values/${c}.yaml`)!).config.leafnodes.port, 7422);
    }
  });

  it('holds no credential: it is the same whatever the credentials', () => {
    const a = renderPlan(plansFor('k3d', ['c1', 'c2'], creds));
    const b = renderPlan(plansFor('k3d', ['c1', 'c2'], otherCreds));
    assert.deepEqual([...a.entries()], [...b.entries()]);
    const all = [...a.values()].join('\n');
    for (const secret of ['sys-secret-1', 'gw-secret-1', 'route-secret-1', 'rec-secret-1'])
      assert.ok(!all.includes(secret), `${secret} leaked`);
  });

  it('changes with the pinned versions from the environment', () => {
    const topo = buildTopology(['c1']);
    const plans = kubePlan({
      sharedCluster: false,
      topo,
      targets: FLAVORS.k3d.targets(['c1'], {}),
      settings: readKubeSettings({ NATS_CHART_VERSION: '2.12.6' }),
      jsLimits: DEFAULT_JS_LIMITS,
      credentials: creds,
      ingressHost: k3dIngressHost,
      servicesImage: 'nats-sandbox-services:test',
    });
    assert.deepEqual(
      planReleases(plans[0]!)
        .filter((r) => r.chart === 'nats/nats')
        .map((r) => r.version),
      ['2.12.6', '2.12.6', '2.12.6', '2.12.6'],
    );
    assert.throws(() => readKubeSettings({ NATS_CHART_VERSION: 'latest' }), /NATS_CHART_VERSION must be a chart version/);
    assert.throws(() => readKubeSettings({ HELM_TIMEOUT: '10 minutes' }), /HELM_TIMEOUT/);
  });
});
