// The WAN layer holds only if no address a server can learn leads around it: NATS gossips the
// gateway and route addresses servers advertise, and a server dials what it learned on reconnect.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPorts, leafnodeKey } from '../../../../../cluster/local/ports.js';
import {
  assignLinkPorts,
  leafnodeDialPort,
  leafnodeLink,
  linkedAddressing,
  linkNames,
  routerConfig,
  wanSites,
} from '../../../../../cluster/local/wan/layout.js';
import { localAddressing } from '../../../../../nats/addressing.js';
import { leafnodeListeners, leafnodeTargets } from '../../../../../nats/edges.js';
import { serverConfig } from '../../../../../nats/server-config.js';
import { buildTopology, STRETCHED_CLUSTER } from '../../../../../nats/topology.js';
import { TEST_CREDENTIALS } from '../../../../support/kube-plan.js';

const BASE = 30000;
const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 2, js: 1, gw: 2, xr: 2 } });
const ports = assignPorts(
  topo.servers.map((s) => s.name),
  BASE,
);
const links = assignLinkPorts(linkNames(topo), BASE);
const addressing = linkedAddressing(
  localAddressing(topo, (n) => ports[n]!),
  links,
);
const linkPorts = new Set(Object.values(links));
const portOf = (address: string) => Number(/:(\d+)$/.exec(address.replace(/^nats:\/\/[^@]*@/, ''))?.[1]);

type Conf = {
  gateway: { advertise: string; gateways: { name: string; urls: string[] }[] };
  cluster: { advertise?: string; routes: string[] };
};
const configs = topo.servers.map((server) => ({
  server,
  conf: serverConfig({ topo, server, addressing, credentials: TEST_CREDENTIALS }) as unknown as Conf,
}));

describe('WAN layout: every address that crosses regions leads through a link', () => {
  it('every gateway a server dials or advertises is a link', () => {
    for (const { server, conf } of configs) {
      assert.ok(linkPorts.has(portOf(conf.gateway.advertise)), `${server.name} advertises ${conf.gateway.advertise}`);
      for (const g of conf.gateway.gateways)
        for (const u of g.urls) assert.ok(linkPorts.has(portOf(u)), `${server.name} dials ${g.name} at ${u}`);
    }
  });

  it('a cluster has one gateway address, dialled once: the link of that cluster', () => {
    for (const { conf } of configs) {
      for (const g of conf.gateway.gateways) assert.deepEqual(g.urls.map(portOf), [links[`gateway:${g.name}`]]);
    }
  });

  it('xr-js routes (they cross datacenters) go through a link per server; regional routes stay direct', () => {
    for (const { server, conf } of configs) {
      if (server.cluster === STRETCHED_CLUSTER) {
        assert.equal(portOf(conf.cluster.advertise!), links[`route:${server.name}`]);
        for (const r of conf.cluster.routes) assert.ok(linkPorts.has(portOf(r)), `${server.name} routes to ${r}`);
      } else {
        assert.equal(conf.cluster.advertise, undefined);
        for (const r of conf.cluster.routes) assert.ok(!linkPorts.has(portOf(r)), `${server.name} routes directly to ${r}`);
      }
    }
  });

  it('the router lands each link where the Kubernetes network would: gw servers, xr-js in the dialer datacenter first', () => {
    const config = routerConfig(topo, ports, links, '/sandbox', '/sandbox/local/servers');
    const c2 = config.listeners.find((l) => l.name === 'gateway:c2')!;
    assert.deepEqual(
      c2.backends.map((b) => b.server),
      ['c2-gw-nats-0', 'c2-gw-nats-1'],
    );
    assert.deepEqual(
      c2.backends.map((b) => b.port),
      [ports['c2-gw-nats-0']!.gateway, ports['c2-gw-nats-1']!.gateway],
    );
    assert.equal(c2.prefer, 'any');
    const xr = config.listeners.find((l) => l.name === `gateway:${STRETCHED_CLUSTER}`)!;
    assert.equal(xr.prefer, 'same-datacenter');
    assert.equal(xr.backends.length, 6);
    const route = config.listeners.find((l) => l.name === 'route:c3-xr-js-nats-1')!;
    assert.deepEqual(route.backends, [{ server: 'c3-xr-js-nats-1', datacenter: 'c3', port: ports['c3-xr-js-nats-1']!.cluster }]);
    assert.equal(config.datacenters['c1-gw-nats-0'], 'c1');
  });
});

describe('WAN link ports', () => {
  it('count down from base - 2 (base - 1 is the private MySQL), clear of the servers, which count up', () => {
    const plan = assignLinkPorts(['gateway:a', 'gateway:b', 'route:x'], 20000);
    assert.deepEqual(plan, { 'gateway:a': 19998, 'gateway:b': 19997, 'route:x': 19996 });
  });

  it('keep their ports across runs and fill the gaps for new links', () => {
    const before = assignLinkPorts(['gateway:a', 'gateway:b', 'route:x'], 20000);
    const after = assignLinkPorts(['gateway:a', 'route:x', 'gateway:c'], 20000, before);
    assert.equal(after['gateway:a'], before['gateway:a']);
    assert.equal(after['route:x'], before['route:x']);
    assert.equal(after['gateway:c'], 19997, 'the port gateway:b left');
  });

  it('refuse a base that leaves no room below it', () => {
    assert.throws(() => assignLinkPorts(['gateway:a', 'gateway:b'], 1026), /set LOCAL_PORT_BASE higher/);
  });
});

describe('WAN layout with edge sites: each edge link is a link of its own', () => {
  const edged = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 2, js: 1, gw: 1, xr: 1 } }, [
    { name: 'e1', hub: 'c1' },
    { name: 'e2', hub: 'c2' },
  ]);
  const edgePorts = assignPorts(
    [
      ...edged.servers.map((s) => s.name),
      ...edged.edges.flatMap((e) => e.servers),
      ...leafnodeListeners(edged).map((s) => leafnodeKey(s.name)),
    ],
    BASE,
  );
  const edgeLinks = assignLinkPorts(linkNames(edged), BASE);
  const config = routerConfig(edged, edgePorts, edgeLinks, '/sandbox', '/sandbox/local/servers');

  it('has a leafnode link per hub listener (every seed server), landing on that listener', () => {
    for (const s of leafnodeListeners(edged)) {
      const l = config.listeners.find((x) => x.name === leafnodeLink(s.name));
      assert.ok(l, `a link for ${s.name}'s leafnode listener`);
      assert.equal(l.port, edgeLinks[leafnodeLink(s.name)]);
      assert.deepEqual(l.backends, [{ server: s.name, datacenter: s.datacenter, port: edgePorts[leafnodeKey(s.name)]!.client }]);
    }
    assert.equal(leafnodeListeners(edged).length, 6);
  });

  it("an edge's leafnode dials its hub and fallback through their links with the layer on, directly without it", () => {
    const e1 = edged.edges[0]!;
    const targets = leafnodeTargets(edged, e1).map((s) => s.name);
    assert.deepEqual(targets, ['c1-nats-0', 'c1-nats-1', 'c2-nats-0', 'c2-nats-1']);
    for (const t of targets) {
      assert.equal(leafnodeDialPort(t, edgePorts, edgeLinks), edgeLinks[leafnodeLink(t)]);
      assert.equal(leafnodeDialPort(t, edgePorts), edgePorts[leafnodeKey(t)]!.client);
    }
  });

  it("puts an edge site's servers in a datacenter of their own, its name, so the router delays and cuts its links by it", () => {
    assert.equal(config.datacenters['e1-leaf-nats-0'], 'e1');
    assert.equal(config.datacenters['e2-leaf-nats-0'], 'e2');
    assert.equal(config.datacenters['c1-nats-0'], 'c1');
  });

  it('gives the links ports apart from every server and listener port, and keeps the old ones when edges come', () => {
    const taken = new Set(Object.values(edgePorts).flatMap((p) => [p.client, p.cluster, p.gateway, p.monitor]));
    for (const [name, port] of Object.entries(edgeLinks)) assert.ok(!taken.has(port), `${name} on ${port}`);
    const plain = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 2, js: 1, gw: 1, xr: 1 } });
    const before = assignLinkPorts(linkNames(plain), BASE);
    const after = assignLinkPorts(linkNames(edged), BASE, before);
    for (const [name, port] of Object.entries(before)) assert.equal(after[name], port, `${name} kept its port`);
  });

  it('the sites are the regions and the edge sites', () => {
    assert.deepEqual(wanSites(edged), { regions: ['c1', 'c2', 'c3'], edges: ['e1', 'e2'] });
  });
});
