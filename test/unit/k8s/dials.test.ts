// The dial graph: every address a NATS server, client or Job dials (from the rendered route lists,
// gateway blocks and NATS_URLs) lands on a server whose certificate, issued for real with the SANs
// the rendered cert-manager Certificate asks for, passes node's tls.checkServerIdentity for it,
// as nats-server (Go crypto/tls) checks the host name of every route and gateway it dials.
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkServerIdentity } from 'node:tls';
import { type Dial, natsDials, PASSWORD_PLACEHOLDER, routeLists } from '../../../k8s/dials.js';
import { NAMESPACES, natsFullname } from '../../../k8s/names.js';
import { type HaproxyTcp, INGRESS_TCP_PORTS } from '../../../k8s/nats-manifests.js';
import { NATS_SERVER_TLS_SECRET } from '../../../k8s/nats-pki.js';
import { type ClusterPlan, kubePlan, type PlanInput } from '../../../k8s/plan.js';
import { renderPlan, routesPath } from '../../../k8s/render.js';
import type { KubeProvider } from '../../../k8s/targets.js';
import { STRETCHED_CLUSTER } from '../../../nats/topology.js';
import { peerOf, type TestCa, testCa } from '../../support/issue-cert.js';
import { testPlanInput } from '../../support/kube-plan.js';

const NAMES = ['c1', 'c2', 'c3'];
/** Edge sites: e1's leafnode dials c1's ingress, then c2's; e2's c3's, then c1's. */
const EDGES = [
  { name: 'e1', hub: 'c1' },
  { name: 'e2', hub: 'c3' },
];
/** kube: LoadBalancers found at install time, one an IP, the others host names. */
const KUBE_LB: Record<string, string> = { c1: '203.0.113.10', c2: 'lb-c2.example.com', c3: 'lb-c3.example.net' };

function planInput(provider: KubeProvider, edges = EDGES): PlanInput {
  return testPlanInput(provider, { names: NAMES, edges, ...(provider === 'kube' ? { ingressHost: (c: string) => KUBE_LB[c]! } : {}) });
}

/** The ports a cluster's haproxy LoadBalancer exposes and has a TCP route for (to the service behind it). */
function ingressRoutes(plans: readonly ClusterPlan[], cluster: string): Map<number, string> {
  const plan = plans.find((p) => p.target.name === cluster)!;
  const exposed = (
    plan.ingress.haproxy.values as { controller: { service: { tcpPorts: { port: number }[] } } }
  ).controller.service.tcpPorts.map((p) => p.port);
  const routes = new Map<number, string>();
  for (const tcp of plan.supercluster.tcpRoutes.objects as unknown as HaproxyTcp[])
    for (const r of tcp.spec)
      for (const bind of Object.values(r.frontend.binds)) if (exposed.includes(bind.port)) routes.set(bind.port, r.service.name);
  return routes;
}

/**
 * Which cluster's NATS servers answer `host` when dialled from a pod in `from`, by Kubernetes DNS
 * and the objects the plan makes there: a cluster's own chart services, linkerd's mirrors of the
 * other clusters' xr-js services (xr-js-nats-<dc>, xr-js-nats-headless-<dc>, and the local
 * xr-js-nats-<from>), and each cluster's ingress address (haproxy routes it to that cluster).
 */
function landsOn(input: PlanInput, dial: Dial, plans: readonly ClusterPlan[]): string {
  for (const c of NAMES)
    if (input.ingressHost(c) === dial.host) {
      const service = ingressRoutes(plans, c).get(dial.port);
      assert.ok(service, `${dial.by}: haproxy of ${c} does not expose and route ${dial.port}`);
      // Through the ingress to the regional seed or gw servers, which carry c's certificate.
      assert.ok(
        input.topo.releases.some((r) => r.datacenter === c && natsFullname(r.name) === service),
        `${dial.by}: ${service} is no NATS service of ${c}`,
      );
      return c;
    }
  // <svc>[.<ns>[.svc[.cluster.local]]] or <pod>.<svc>[.<ns>[.svc[.cluster.local]]]
  const labels = dial.host.replace(/\.svc(\.cluster\.local)?$/, '.svc').split('.');
  const qualified = labels.at(-1) === 'svc' || labels.at(-1) === NAMESPACES.nats;
  if (labels.at(-1) === 'svc') labels.pop();
  const ns = qualified ? labels.pop() : NAMESPACES.nats;
  assert.equal(ns, NAMESPACES.nats, `${dial.by}: ${dial.host} is no name in the nats namespace`);
  assert.ok(labels.length === 1 || labels.length === 2, `${dial.by}: ${dial.host} is no service or pod name`);
  const svc = labels.at(-1)!;
  const pod = labels.length === 2 ? labels[0] : undefined;
  const xr = natsFullname(STRETCHED_CLUSTER);
  const own = input.topo.releases.filter((r) => r.datacenter === dial.from).map((r) => natsFullname(r.name));
  for (const dc of NAMES) {
    if (svc === `${xr}-${dc}`) return dc;
    if (svc === `${xr}-headless-${dc}` && dc !== dial.from) return dc;
  }
  const base = svc.replace(/-headless$/, '');
  assert.ok(own.includes(base), `${dial.by}: ${dial.host} does not resolve in ${dial.from}`);
  if (pod) assert.match(pod, new RegExp(`^${base}-\\d+$`), `${dial.by}: ${dial.host} names no pod of ${base}`);
  return dial.from;
}

/** The SANs the rendered Certificate of a cluster's NATS servers asks cert-manager for. */
function requestedSans(plan: ClusterPlan): { dnsNames: string[]; ipAddresses: string[] } {
  const cert = plan.certs.natsPki.objects.find((o) => o.kind === 'Certificate' && o.metadata.name === NATS_SERVER_TLS_SECRET);
  assert.ok(cert, `${plan.target.name}: no ${NATS_SERVER_TLS_SECRET} Certificate`);
  const spec = (cert as unknown as { spec: { dnsNames?: string[]; ipAddresses?: string[] } }).spec;
  return { dnsNames: spec.dnsNames ?? [], ipAddresses: spec.ipAddresses ?? [] };
}

describe('the dial graph', () => {
  let ca: TestCa;
  before(async () => {
    ca = await testCa();
  });
  after(() => ca.dispose());

  for (const provider of ['k3d', 'kube'] as const) {
    it(`${provider}: every host a NATS server, client or Job dials passes checkServerIdentity against the certificate of the server behind it`, async () => {
      const input = planInput(provider);
      const plans = kubePlan(input);
      const certs = new Map<string, X509Certificate>();
      for (const p of plans) {
        const { dnsNames, ipAddresses } = requestedSans(p);
        const cert = await ca.issueServer('nats-server', dnsNames, ipAddresses);
        assert.ok(cert.verify(ca.cert.publicKey), 'issued by the CA');
        certs.set(p.target.name, cert);
      }
      const dials = natsDials(input, plans);
      const kinds = new Set(dials.map((d) => d.by.replace(/ of .*| [a-z]+\/.*/, '')));
      for (const k of ['routes', 'gateway c2', 'advertised gateway', 'Deployment', 'Job', 'nats-box context admin', 'leafnode remote'])
        assert.ok(kinds.has(k), `dials of ${k}`);
      const failures = dials.flatMap((d) => {
        const on = landsOn(input, d, plans);
        const error = checkServerIdentity(d.host, peerOf(certs.get(on)!));
        return error ? [`${d.by} (from ${d.from}) dials ${d.host}:${d.port}, lands on ${on}: ${error.message}`] : [];
      });
      assert.deepEqual(failures, []);
    });
  }

  it('includes the cross-cluster xr-js routes, which land on the other cluster', () => {
    const input = planInput('k3d');
    const plans = kubePlan(input);
    const dials = natsDials(input, plans);
    const cross = dials.filter((d) => d.from === 'c2' && d.host.endsWith('.xr-js-nats-headless-c1'));
    assert.equal(cross.length, 3);
    for (const d of cross) assert.equal(landsOn(input, d, plans), 'c1');
  });

  it("includes each edge site's leafnode dials: its hub's ingress, then the next region's, on the leafnode port", () => {
    const input = planInput('kube');
    const plans = kubePlan(input);
    const leaf = natsDials(input, plans).filter((d) => d.by.startsWith('leafnode remote'));
    assert.deepEqual(
      leaf.map((d) => `${d.by} from ${d.from}: ${d.host}:${d.port} -> ${landsOn(input, d, plans)}`),
      [
        `leafnode remote of e1-leaf from c1: ${KUBE_LB.c1}:7422 -> c1`,
        `leafnode remote of e1-leaf from c1: ${KUBE_LB.c2}:7422 -> c2`,
        `leafnode remote of e2-leaf from c3: ${KUBE_LB.c3}:7422 -> c3`,
        `leafnode remote of e2-leaf from c3: ${KUBE_LB.c1}:7422 -> c1`,
      ],
    );
    for (const c of NAMES) assert.equal(ingressRoutes(plans, c).get(7422), `${c}-nats`, `${c}'s seed servers take leafnodes`);
  });

  it('has no leafnode dial, port or route without edge sites', () => {
    const input = planInput('k3d', []);
    const plans = kubePlan(input);
    assert.ok(!natsDials(input, plans).some((d) => d.port === 7422));
    for (const c of NAMES)
      assert.deepEqual([...ingressRoutes(plans, c).keys()].sort(), [INGRESS_TCP_PORTS.client, INGRESS_TCP_PORTS.gateway]);
  });

  it('shows route lists with the password replaced by a placeholder, as render.mjs writes them', () => {
    const input = planInput('k3d');
    const lists = routeLists(input, 'c1');
    assert.ok(lists['xr-js']!.includes(`nats://route:${PASSWORD_PLACEHOLDER}@xr-js-nats-0.xr-js-nats-headless-c2:6222`));
    assert.ok(!JSON.stringify(lists).includes('route-secret'));
    const files = renderPlan(kubePlan(input), { c1: lists });
    assert.deepEqual(JSON.parse(files.get(routesPath('c1'))!), lists);
  });
});
