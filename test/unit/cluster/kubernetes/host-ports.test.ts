// k3d clusters are reached from this machine through ports mapped to their ingress.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkServerIdentity } from 'node:tls';
import { assignHostPorts, HOST_PORT_BASES, hostClientUrl, hostPortFlags } from '../../../../cluster/kubernetes/host-ports.js';
import { natsServerDnsNames } from '../../../../k8s/nats-pki.js';
import { buildTopology } from '../../../../nats/topology.js';

describe('host ports of k3d clusters', () => {
  it('give every cluster its own client and HTTP port, and keep the ones a cluster was made with', () => {
    const first = assignHostPorts(['c1', 'c2']);
    assert.deepEqual(first, {
      c1: { client: HOST_PORT_BASES.client, http: HOST_PORT_BASES.http },
      c2: { client: HOST_PORT_BASES.client + 1, http: HOST_PORT_BASES.http + 1 },
    });
    const later = assignHostPorts(['c2', 'c3'], { c2: first.c2! });
    assert.deepEqual(later.c2, first.c2);
    assert.equal(later.c3!.client, HOST_PORT_BASES.client, 'a freed offset is taken again');
  });

  it("map 4222 and 80 of k3d's load balancer (the haproxy ingress) to them", () => {
    assert.deepEqual(hostPortFlags({ client: 24223, http: 28081 }), [
      '--port',
      '24223:4222@loadbalancer',
      '--port',
      '28081:80@loadbalancer',
    ]);
  });

  it('give contexts a URL whose host is in the NATS server certificate', () => {
    const url = new URL(hostClientUrl({ client: 24222, http: 28080 }));
    const sans = natsServerDnsNames(buildTopology(['c1']), 'c1', ['k3d-c1-agent-0']).map((n) => `DNS:${n}`);
    assert.equal(checkServerIdentity(url.hostname, { subject: {}, subjectaltname: sans.join(', ') } as never), undefined);
  });
});
