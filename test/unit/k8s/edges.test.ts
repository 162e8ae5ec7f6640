// Edge sites on Kubernetes, as a specification: `c1 c2 c3 e1@c1 e2@c3` renders each edge site as a
// release of the nats chart in its hub's cluster, running the config the local provider runs for
// it (through the chart's templates: k8s/nats-chart.ts), dialling its hub's ingress then the next
// region's on the leafnode port, which every region exposes through haproxy TCP (the v3 CRD of the
// pinned controller), opaque to linkerd. The chart's own defaults are read from its stored
// values.yaml (test/fixtures/upstream/nats-chart/2.14.2).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { exitCode } from '../../../core/errors.js';
import { readKubeSettings } from '../../../core/settings.js';
import { edgeReleaseName, refuseUnbuiltEdges } from '../../../k8s/edges.js';
import { NATS_SECRET } from '../../../k8s/names.js';
import { chartServerConfig, type SecretStore, tlsMounts } from '../../../k8s/nats-chart.js';
import type { HaproxyTcp } from '../../../k8s/nats-manifests.js';
import { NATS_SERVER_TLS_SECRET } from '../../../k8s/nats-pki.js';
import { natsSecretData } from '../../../k8s/nats-values.js';
import { type ClusterPlan, kubePlan, natsValuesInput, type PlanInput, planManifests } from '../../../k8s/plan.js';
import { natsChartPin, UPSTREAM_DIR, upstreamCrds } from '../../../k8s/upstream.js';
import { validateObjects } from '../../../k8s/validate.js';
import { edgeServerConfig, leafnodeTargets } from '../../../nats/edges.js';
import { SERVER_CERT_SUBJECT } from '../../../nats/pki.js';
import { APP_ACCOUNT, HUB_DOMAIN } from '../../../nats/topology.js';
import { ROOT } from '../../support/helpers.js';
import { TEST_CREDENTIALS, testPlanInput } from '../../support/kube-plan.js';

const NAMES = ['c1', 'c2', 'c3'];
const EDGES = [
  { name: 'e1', hub: 'c1' },
  { name: 'e2', hub: 'c3' },
];
const MOUNTED = { 'ca.crt': 'pem', 'tls.crt': 'pem', 'tls.key': 'pem' };
const ANNOTATION = 'config.linkerd.io/opaque-ports';

const input: PlanInput = testPlanInput('k3d', { names: NAMES, edges: EDGES });
const plans = kubePlan(input);
const planOf = (c: string) => plans.find((p) => p.target.name === c)!;
const releaseOf = (c: string, name: string) => planOf(c).supercluster.nats.find((r) => r.release === name);
const valuesOf = (c: string, name: string) => releaseOf(c, name)!.values as Record<string, any>;

/** The pod's nats-server config as the chart makes it, with the Secrets install makes. */
function podConfig(c: string, release: string, secrets: SecretStore = allSecrets(c)) {
  return chartServerConfig(valuesOf(c, release), release, 0, secrets) as Record<string, any>;
}
function allSecrets(c: string) {
  return { [NATS_SECRET]: natsSecretData(natsValuesInput(input, planOf(c).target)), [NATS_SERVER_TLS_SECRET]: MOUNTED };
}

/** The nats chart's own values.yaml at the pinned version. */
function chartDefaults(): Record<string, unknown> {
  const file = natsChartPin(readKubeSettings({})).files.find((f) => f.file.endsWith('/values.yaml'))!;
  return YAML.parse(readFileSync(join(ROOT, UPSTREAM_DIR, file.file), 'utf8'));
}

const opaque = (list: string | undefined) => new Set((list ?? '').split(',').map(Number));

describe('an edge site on Kubernetes', () => {
  it("is a release of the nats chart in its hub's cluster, in the nats namespace, whose one pod is the model's server", () => {
    assert.deepEqual(
      plans.map((p) => [p.target.name, p.supercluster.nats.filter((r) => r.release.endsWith('-leaf')).map((r) => r.release)]),
      [
        ['c1', ['e1-leaf']],
        ['c2', []],
        ['c3', ['e2-leaf']],
      ],
    );
    for (const edge of input.topo.edges) {
      const r = releaseOf(edge.hub, edgeReleaseName(edge))!;
      assert.equal(r.chart, 'nats/nats');
      assert.equal(r.namespace, 'nats');
      assert.equal(r.context, `k3d-${edge.hub}`);
      assert.equal(podConfig(edge.hub, r.release).server_name, edge.servers[0]);
      assert.equal(valuesOf(edge.hub, r.release).config.cluster.enabled, false, 'a leaf cluster of one: the chart makes one replica');
    }
  });

  it('runs the config the local provider runs for it, the leafnode URLs aside', () => {
    const edge = input.topo.edges[0]!;
    const local = edgeServerConfig({
      topo: input.topo,
      edge,
      name: edge.servers[0]!,
      host: '127.0.0.1',
      ports: { client: 20000, monitor: 20001 },
      remoteUrls: ['tls://127.0.0.1:20002', 'tls://127.0.0.1:20003'],
      credentials: TEST_CREDENTIALS,
      tls: { caFile: '/sb/pki/server/ca.crt', certFile: '/sb/pki/server/tls.crt', keyFile: '/sb/pki/server/tls.key' },
      storeDir: '/sb/store/e1',
      jsLimits: input.jsLimits,
    });
    const comparable = (c: Record<string, any>) => {
      const x = JSON.parse(JSON.stringify(c));
      for (const k of ['lame_duck_grace_period', 'lame_duck_duration', 'pid_file', 'host', 'port', 'http_port']) delete x[k];
      delete x.jetstream.store_dir;
      for (const r of x.leafnodes.remotes) delete r.urls;
      return JSON.parse(JSON.stringify(x).replace(/"[^"]*\/(ca\.crt|tls\.crt|tls\.key)"/g, '"$1"'));
    };
    assert.deepEqual(comparable(podConfig('c1', 'e1-leaf')), comparable(local));
  });

  it("dials its hub's ingress first, then the next region's, as the model orders them, with the servers' certificate", () => {
    for (const edge of input.topo.edges) {
      const [remote, ...more] = podConfig(edge.hub, edgeReleaseName(edge)).leafnodes.remotes;
      assert.equal(more.length, 0);
      const regions = [...new Set(leafnodeTargets(input.topo, edge).map((s) => s.datacenter))];
      assert.deepEqual(regions, [edge.hub, edge.fallback]);
      assert.deepEqual(
        remote.urls,
        regions.map((dc) => `tls://k3d-${dc}-agent-0:7422`),
      );
      assert.equal(remote.dont_randomize, true, 'in that order');
      assert.equal(remote.account, APP_ACCOUNT);
      assert.deepEqual(remote.tls, {
        cert_file: '/etc/nats-certs/nats/tls.crt',
        key_file: '/etc/nats-certs/nats/tls.key',
        ca_file: '/etc/nats-certs/nats/ca.crt',
        timeout: 5,
      });
    }
    assert.deepEqual(podConfig('c3', 'e2-leaf').leafnodes.remotes[0].urls, ['tls://k3d-c3-agent-0:7422', 'tls://k3d-c1-agent-0:7422']);
    // kube: the LoadBalancer addresses install finds.
    const lb: Record<string, string> = { c1: '203.0.113.10', c2: 'lb-c2.example.com', c3: 'lb-c3.example.net' };
    const kube = kubePlan(testPlanInput('kube', { names: NAMES, edges: EDGES, ingressHost: (c) => lb[c]! }));
    const e1 = kube.find((p) => p.target.name === 'c1')!.supercluster.nats.find((r) => r.release === 'e1-leaf')!;
    assert.deepEqual((e1.values as any).config.merge.leafnodes.remotes[0].urls, [
      'tls://203.0.113.10:7422',
      'tls://lb-c2.example.com:7422',
    ]);
  });

  it('has a listener of none of its own, mounts only the server certificate and reads no credential', () => {
    const v = valuesOf('c1', 'e1-leaf');
    assert.equal(v.config.leafnodes.enabled, false, 'the chart would write a listener (port) for config.leafnodes');
    assert.equal(podConfig('c1', 'e1-leaf').leafnodes.port, undefined);
    assert.equal(v.container.env, undefined);
    assert.deepEqual(tlsMounts(v), [{ dir: '/etc/nats-certs/nats', secretName: NATS_SERVER_TLS_SECRET }]);
    // Without the credentials Secret at all: nothing in its config reads from it.
    const pod = podConfig('c1', 'e1-leaf', { [NATS_SERVER_TLS_SECRET]: MOUNTED });
    assert.ok(
      pod.accounts.APP.users.every((u: { user: string; password?: string }) => u.user.startsWith('CN=') && !u.password),
      'users are certificate subjects',
    );
    assert.equal(pod.tls.verify_and_map, true);
  });

  it("keeps JetStream in its own domain on a volume, the supercluster's in domain hub, with no volume where a server has none", () => {
    const edge = podConfig('c1', 'e1-leaf');
    assert.equal(edge.jetstream.domain, 'e1');
    assert.equal(edge.jetstream.store_dir, '/data');
    assert.equal(valuesOf('c1', 'e1-leaf').config.jetstream.fileStore.pvc.enabled, true);
    for (const r of input.topo.releases.filter((x) => x.datacenter === 'c2')) {
      const pod = podConfig('c2', r.name);
      assert.equal(pod.jetstream.domain, HUB_DOMAIN, r.name);
      const js = r.role === 'js' || r.role === 'xr';
      assert.equal(
        valuesOf('c2', r.name).config.jetstream.enabled,
        js,
        `${r.name}: the chart's JetStream (and its volume) only where it runs`,
      );
      if (!js) assert.equal(pod.jetstream.enabled, false, `${r.name} names the domain without running JetStream`);
    }
  });

  it("makes every region's seed servers leafnode listeners (the fallback is one too): TLS, the servers' certificate mapped to APP", () => {
    for (const c of NAMES) {
      const v = valuesOf(c, c);
      assert.deepEqual(v.config.leafnodes, {
        enabled: true,
        port: 7422,
        tls: {
          enabled: true,
          merge: {
            cert_file: '/etc/nats-certs/nats/tls.crt',
            key_file: '/etc/nats-certs/nats/tls.key',
            ca_file: '/etc/nats-certs/nats/ca.crt',
            verify_and_map: true,
            timeout: 5,
          },
        },
        merge: { authorization: { users: [{ user: SERVER_CERT_SUBJECT, account: APP_ACCOUNT }] } },
      });
      const pod = podConfig(c, c);
      assert.equal(pod.leafnodes.port, 7422);
      assert.equal(pod.leafnodes.no_advertise, true, "the pods' addresses mean nothing behind the ingress");
      for (const other of [`${c}-js`, `${c}-gw`, 'xr-js']) assert.equal(valuesOf(c, other).config.leafnodes, undefined, other);
      // The chart's Service carries the port unless told otherwise (service.ports.leafnodes, values.yaml).
      assert.equal(v.service.ports.leafnodes, undefined);
    }
    const defaults = chartDefaults() as any;
    assert.equal(defaults.service.ports.leafnodes.enabled, true);
    assert.equal(defaults.config.leafnodes.port, 7422);
  });

  it('is reached through haproxy TCP on the leafnode port, valid against the stored v3 CRD', () => {
    const crds = upstreamCrds(input.settings);
    for (const c of NAMES) {
      const p = planOf(c);
      const tcp = p.supercluster.tcpRoutes.objects as unknown as HaproxyTcp[];
      const leaf = tcp.find((o) => o.metadata.name === 'nats-leafnodes')!;
      assert.equal(leaf.apiVersion, 'ingress.v3.haproxy.org/v3');
      assert.deepEqual(leaf.spec[0]!.service, { name: `${c}-nats`, port: 7422 });
      assert.deepEqual(Object.values(leaf.spec[0]!.frontend.binds), [{ name: 'nats-leafnodes-bind', port: 7422 }]);
      const ports = (p.ingress.haproxy.values as { controller: { service: { tcpPorts: { port: number }[] } } }).controller.service.tcpPorts;
      assert.ok(
        ports.some((x) => x.port === 7422),
        `${c}: the LoadBalancer exposes 7422`,
      );
      assert.deepEqual(
        validateObjects(
          planManifests(p).flatMap((m) => m.objects),
          crds,
        ),
        [],
        `${c}: every object valid`,
      );
    }
  });

  it('leaves the leafnode port opaque to linkerd everywhere it is dialled or served', () => {
    for (const p of plans) {
      const c = p.target.name;
      const cp = p.linkerd.controlPlane.values as { proxy: { opaquePorts: string } };
      assert.ok(opaque(cp.proxy.opaquePorts).has(7422), `${c}: the default for node and LoadBalancer addresses (the ingress)`);
      const haproxy = p.ingress.haproxy.values as {
        controller: { podAnnotations: Record<string, string>; service: { annotations: Record<string, string> } };
      };
      assert.ok(opaque(haproxy.controller.podAnnotations[ANNOTATION]).has(7422), `${c}: haproxy pods`);
      assert.ok(opaque(haproxy.controller.service.annotations[ANNOTATION]).has(7422), `${c}: haproxy service`);
      for (const r of p.supercluster.nats) {
        const v = r.values as {
          podTemplate: { merge: { metadata: { annotations: Record<string, string> } } };
          service: { merge: { metadata: { annotations: Record<string, string> } } };
        };
        assert.ok(opaque(v.podTemplate.merge.metadata.annotations[ANNOTATION]).has(7422), `${c} ${r.release} pods`);
        assert.ok(opaque(v.service.merge.metadata.annotations[ANNOTATION]).has(7422), `${c} ${r.release} service`);
      }
    }
  });

  it("is named in its hub's server certificate, which its pod presents to clients", () => {
    const cert = planOf('c1').certs.natsPki.objects.find((o) => o.kind === 'Certificate' && o.metadata.name === NATS_SERVER_TLS_SECRET)!;
    const dns = (cert as unknown as { spec: { dnsNames: string[] } }).spec.dnsNames;
    for (const n of ['e1-leaf-nats', 'e1-leaf-nats.nats.svc.cluster.local', '*.e1-leaf-nats-headless']) assert.ok(dns.includes(n), n);
    const c2 = planOf('c2').certs.natsPki.objects.find((o) => o.kind === 'Certificate')!;
    assert.ok(!JSON.stringify(c2).includes('leaf'), 'only in its hub');
  });

  it('refuses, as something the user can change, an edge site of several servers or in operator mode (not yet on Kubernetes)', () => {
    const e1 = input.topo.edges[0]!;
    const three = { ...input.topo, edges: [{ ...e1, servers: [0, 1, 2].map((i) => `e1-leaf-nats-${i}`) }] };
    assert.throws(
      () => refuseUnbuiltEdges(three, 'k3d'),
      (e: Error) => exitCode(e) === 2 && /edge site\(s\) e1 \(3 servers\): on k3d an edge site is one server so far/.test(e.message),
    );
    refuseUnbuiltEdges(input.topo, 'k3d');
    assert.throws(
      () => refuseUnbuiltEdges(input.topo, 'kube', 'jwt'),
      (e: Error) => exitCode(e) === 2 && /in operator mode run on the local provider so far; on kube use them with mTLS/.test(e.message),
    );
  });

  it('changes nothing for a sandbox without edge sites: no listener, no port, no route, the opaque ports as before', () => {
    const none = kubePlan(testPlanInput('k3d', { names: NAMES }));
    const text = JSON.stringify(none.map((p: ClusterPlan) => [p.supercluster, p.ingress, p.linkerd.controlPlane, p.certs.natsPki]));
    for (const absent of ['7422', 'leafnodes', '-leaf', '"domain"']) assert.ok(!text.includes(absent), absent);
  });
});
