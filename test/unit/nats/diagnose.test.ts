// Problems grouped by cause: a region whose servers are all silent is one line, and the routes,
// gateways and meta peers that fail because of it are its details, not problems of their own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose, downRegions } from '../../../nats/diagnose.js';
import { expectedTopology } from '../../../nats/expected.js';
import { observation } from '../../../nats/observation.js';
import { headline } from '../../../nats/report.js';
import { buildTopology } from '../../../nats/topology.js';
import { type LiveServer, verify } from '../../../nats/verify.js';

const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });

/** A healthy system, as the servers of `up` see it: routes and gateways only among themselves. */
function liveOf(up: (dc: string) => boolean): LiveServer[] {
  const alive = topo.servers.filter((s) => up(s.datacenter));
  const clusters = topo.clusters.filter((c) => c.kind === 'stretched' || up(c.name)).map((c) => c.name);
  const live = alive.map(
    (s): LiveServer => ({
      name: s.name,
      id: `ID-${s.name}`,
      cluster: s.cluster,
      version: '2.9.10',
      jetstream: s.jetstream,
      tags: s.tags,
      connections: 0,
      routes: 0,
      routePeers: alive.filter((p) => p.cluster === s.cluster && p.name !== s.name).map((p) => p.name),
      outboundGateways: clusters.filter((c) => c !== s.cluster),
      inboundGateways: {},
      memBytes: 0,
      uptime: '1m',
      ...(s.jetstream
        ? {
            metaLeader: 'c1-js-nats-0',
            ...(s.name === 'c1-js-nats-0'
              ? {
                  metaClusterSize: 6,
                  metaPeers: topo.servers
                    .filter((p) => p.jetstream && p.name !== s.name)
                    .map((p) => ({ name: p.name, current: up(p.datacenter), offline: !up(p.datacenter), peer: `P-${p.name}` })),
                }
              : {}),
          }
        : {}),
    }),
  );
  // every server dials one gateway server of each other cluster
  for (const from of live) {
    for (const target of from.outboundGateways) {
      const gw = live.find((x) => x.cluster === target && (target === 'xr-js' || x.name.includes('-gw-')))!;
      gw.inboundGateways[from.cluster] = (gw.inboundGateways[from.cluster] ?? 0) + 1;
    }
  }
  return live;
}

describe('diagnose', () => {
  it('says a region is down in one line, and keeps what follows from it as details', () => {
    const verdict = verify(
      expectedTopology(topo),
      liveOf((dc) => dc !== 'c3'),
    );
    assert.ok(verdict.problems.length > 5, 'verify names every consequence');
    assert.deepEqual(downRegions(topo, verdict), ['c3']);
    const causes = diagnose(topo, verdict);
    assert.deepEqual(
      causes.map((c) => c.summary),
      ['region c3 is down: none of its 4 servers answer'],
    );
    assert.ok(causes[0]!.details.some((d) => /has no route to c3-xr-js-nats-0/.test(d)));
    assert.ok(causes[0]!.details.some((d) => /has no outbound gateway to c3/.test(d)));
    assert.ok(causes[0]!.details.some((d) => /meta peer\(s\) offline or not current: c3-js-nats-0, c3-xr-js-nats-0/.test(d)));
  });

  it('names single silent servers as they are, not as a region', () => {
    const live = liveOf(() => true).filter((s) => s.name !== 'c2-gw-nats-0');
    const causes = diagnose(topo, verify(expectedTopology(topo), live));
    assert.equal(causes[0]!.summary, '1 server(s) did not answer: c2-gw-nats-0');
    assert.ok(causes.every((c) => !/region/.test(c.summary)));
  });

  it('never prints an OK headline for an observation that is not ok', () => {
    const o = observation({
      topology: topo,
      live: liveOf(() => true),
      sections: [{ name: 'recording', problems: [{ text: 'the recorder cannot write to MySQL' }], json: {}, text: [] }],
    });
    assert.equal(o.verdict.ok, true);
    assert.equal(o.ok, false);
    assert.match(headline(o), /^NOT OK: 1 problem\(s\) \(the supercluster itself is healthy\):\n {2}- the recorder cannot write to MySQL$/);
  });
});
