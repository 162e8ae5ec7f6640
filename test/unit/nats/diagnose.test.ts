// Problems grouped by cause: a region whose servers are all silent is one line, and the routes,
// gateways and meta peers that fail because of it are its details, not problems of their own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose, downRegions } from '../../../nats/diagnose.js';
import { expectedTopology } from '../../../nats/expected.js';
import { observation } from '../../../nats/observation.js';
import { headline } from '../../../nats/report.js';
import { buildTopology } from '../../../nats/topology.js';
import { verify } from '../../../nats/verify.js';
import { healthyLive } from '../../support/live.js';

const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });

const liveOf = (up: (dc: string) => boolean) => healthyLive(topo, up);

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

  it('puts a fault that underlies everything (the WAN router down) first and alone, with the rest as its details', () => {
    const verdict = verify(
      expectedTopology(topo),
      liveOf((dc) => dc === 'c1'),
    );
    const router = { text: 'the WAN router is not running: no connection crosses regions', underlies: true };
    const service = { text: 'c2-services-0 is not running', region: 'c2' };
    const causes = diagnose(topo, verdict, [service, router]);
    assert.deepEqual(
      causes.map((c) => c.summary),
      [router.text],
    );
    assert.ok(causes[0]!.details.includes('region c2 is down: none of its 4 servers answer'));
    assert.ok(causes[0]!.details.includes('region c3 is down: none of its 4 servers answer'));
    assert.ok(causes[0]!.details.some((d) => d.includes('c2-services-0 is not running')));
    const o = observation({
      topology: topo,
      live: liveOf((dc) => dc === 'c1'),
      sections: [{ name: 'wan', problems: [router], json: {}, text: [] }],
    });
    assert.match(headline(o), /^NOT OK: 1 problem\(s\):\n {2}- the WAN router is not running/);
  });

  it('says a full file store in one line with its fix, the unhealthy streams on it as details', () => {
    const live = liveOf(() => true).map((srv) =>
      srv.name === 'c2-xr-js-nats-0'
        ? { ...srv, fileStore: { used: 0.99 * 2 ** 30, max: 2 ** 30 }, health: ["JetStream stream 'APP > answers' is not current"] }
        : srv.jetstream
          ? { ...srv, fileStore: { used: 2 ** 20, max: 2 ** 30 } }
          : srv,
    );
    const verdict = verify(expectedTopology(topo), live);
    assert.equal(verdict.ok, false);
    const causes = diagnose(topo, verdict);
    assert.deepEqual(
      causes.map((c) => c.summary),
      [
        "c2-xr-js-nats-0's JetStream file store is full (1013.8 MiB of 1.00 GiB): the streams on it refuse publishes; fix: purge what is not needed (nats stream purge <stream>) or raise JS_MAX_FILE_MB and re-run stage 06",
      ],
    );
    assert.deepEqual(causes[0]!.details, ["c2-xr-js-nats-0 is not healthy (healthz): JetStream stream 'APP > answers' is not current"]);
  });

  it("says the full stores of a stream's replicas as one cause, each server's line a detail", () => {
    // Measured: a 2 MiB store (JS_MAX_FILE_MB=2) filled by the requester fills all three xr-js servers.
    const live = liveOf(() => true).map((srv) =>
      srv.name.includes('xr-js') ? { ...srv, fileStore: { used: 2 * 2 ** 20, max: 2 * 2 ** 20 } } : srv,
    );
    const causes = diagnose(topo, verify(expectedTopology(topo), live));
    assert.equal(causes.length, 1);
    assert.match(
      causes[0]!.summary,
      /^the JetStream file stores of c1-xr-js-nats-0, .* are full: the streams on them refuse publishes; fix: purge/,
    );
    assert.ok(causes[0]!.details.every((d) => /JetStream file store is full \(2\.0 MiB of 2\.0 MiB\)/.test(d)));
  });

  it('with a region down, counts the meta election elsewhere (no leader yet, not current) as following from it', () => {
    const live = liveOf((dc) => dc !== 'c3').map((srv) =>
      srv.jetstream
        ? {
            ...srv,
            health: ['JetStream is not current with the meta leader'],
            ...(srv.name === 'c1-js-nats-0'
              ? { metaLeader: undefined, health: ['JetStream has not established contact with a meta leader'] }
              : {}),
          }
        : srv,
    );
    const causes = diagnose(topo, verify(expectedTopology(topo), live as never));
    assert.deepEqual(
      causes.map((c) => c.summary),
      ['region c3 is down: none of its 4 servers answer'],
    );
    assert.ok(causes[0]!.details.some((d) => /not current with the meta leader/.test(d)));
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

describe('diagnose: an edge site cut off is one cause', () => {
  it("takes the edge's own problems (its leafnode, its services) as details of the cut", () => {
    const verdict = verify(
      expectedTopology(topo),
      healthyLive(topo, () => true),
    );
    const causes = diagnose(topo, verdict, [
      { text: 'edge site e1 is cut off from c1, c2, c3 by partition.mjs', explains: 'e1' },
      { text: 'edge site e1 is cut off: e1-leaf-nats-0 has no leafnode connection', region: 'e1' },
      { text: 'service process e1-services-0 does not answer', region: 'e1' },
      { text: 'service process c2-services-0 does not answer', region: 'c2' },
    ]);
    assert.deepEqual(
      causes.map((c) => c.summary),
      ['edge site e1 is cut off from c1, c2, c3 by partition.mjs', 'service process c2-services-0 does not answer'],
    );
    assert.deepEqual(causes[0]!.details, [
      'edge site e1 is cut off: e1-leaf-nats-0 has no leafnode connection',
      'service process e1-services-0 does not answer',
    ]);
  });
});
