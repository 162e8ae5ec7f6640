// status on Kubernetes reads each pod's monitoring endpoints; these are shaped like nats-server's
// own answers (2.9: routes carry only the remote id; non-JetStream servers have jetstream {} and
// a disabled /jsz).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedTopology } from '../../../nats/expected.js';
import { healthProblems, liveServers, type MonitorAnswers } from '../../../nats/monitoring.js';
import { buildTopology } from '../../../nats/topology.js';
import { verify } from '../../../nats/verify.js';

const a1: MonitorAnswers = {
  varz: {
    server_id: 'NA1',
    server_name: 'c1-js-nats-0',
    version: '2.9.10',
    connections: 2,
    routes: 1,
    mem: 14393344,
    uptime: '3s',
    tags: ['dc:c1', 'az:c1'],
    cluster: { name: 'c1' },
    jetstream: { config: { max_memory: 1 } },
  },
  routez: { routes: [{ remote_id: 'NB1' }] },
  gatewayz: { outbound_gateways: { 'xr-js': {} }, inbound_gateways: {} },
  jsz: { meta_cluster: { leader: 'c1-js-nats-0', cluster_size: 2 } },
};
const b1: MonitorAnswers = {
  varz: {
    server_id: 'NB1',
    server_name: 'c1-nats-0',
    version: '2.9.10',
    connections: 0,
    routes: 1,
    mem: 1,
    uptime: '3s',
    cluster: { name: 'c1' },
    jetstream: {},
  },
  routez: { routes: [{ remote_id: 'NA1', remote_name: 'c1-js-nats-0' }] },
  gatewayz: { outbound_gateways: { 'xr-js': {} }, inbound_gateways: { 'xr-js': [{}, {}] } },
  jsz: { disabled: true },
};

describe('servers from their monitoring endpoints', () => {
  it("name route peers through the other servers' ids and read JetStream, tags and gateways", () => {
    const [js, seed] = liveServers([b1, a1]);
    assert.equal(js!.name, 'c1-js-nats-0');
    assert.deepEqual(js!.routePeers, ['c1-nats-0']);
    assert.equal(js!.jetstream, true);
    assert.deepEqual(js!.tags, ['dc:c1', 'az:c1']);
    assert.equal(js!.metaLeader, 'c1-js-nats-0');
    assert.equal(seed!.jetstream, false);
    assert.equal(seed!.metaLeader, undefined);
    assert.deepEqual(seed!.inboundGateways, { 'xr-js': 2 });
    assert.deepEqual(seed!.outboundGateways, ['xr-js']);
  });

  it('feed the same verification as the local provider: a missing server is a problem', () => {
    const topo = buildTopology(['c1'], { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } });
    const verdict = verify(expectedTopology(topo), liveServers([a1, b1]));
    assert.equal(verdict.ok, false);
    assert.ok(verdict.problems.some((p) => p.includes('c1-gw-nats-0')));
  });
});

describe("a server's own health check (/healthz?details=true)", () => {
  it('is nothing to report when it answers ok', () => {
    assert.deepEqual(healthProblems({ status: 'ok', status_code: 200 }), []);
  });

  it('names each error it gives, or its error, or its status', () => {
    // nats-server 2.14.2 server/monitor.go HealthStatus, as a follower of a stream that is catching up answers
    const catchingUp = {
      status: 'unavailable',
      status_code: 503,
      errors: [{ type: 4, account: 'APP', stream: 'answers', error: "JetStream stream 'APP > answers' is not current" }],
    };
    assert.deepEqual(healthProblems(catchingUp), ["JetStream stream 'APP > answers' is not current"]);
    assert.deepEqual(
      healthProblems({ status: 'unavailable', status_code: 503, error: 'JetStream has not established contact with a meta leader' }),
      ['JetStream has not established contact with a meta leader'],
    );
    assert.deepEqual(healthProblems({ status: 'unavailable' }), ['unavailable']);
  });

  it('reaches the live server it belongs to', () => {
    const [js] = liveServers([{ ...a1, healthz: { status: 'unavailable', error: 'JetStream is not current with the meta leader' } }, b1]);
    assert.deepEqual(js!.health, ['JetStream is not current with the meta leader']);
    assert.equal(liveServers([a1])[0]!.health, undefined, 'not asked: nothing said');
  });
});
