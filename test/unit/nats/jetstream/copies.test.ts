// When do the copies of a replicated stream disagree? Only what two looks confirm, so a stream
// under load (servers answer at slightly different instants) is never a false alarm.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  confirmedDisagreements,
  copiesIn,
  copiesReport,
  disagreements,
  disagreementText,
  type StreamCopy,
} from '../../../../nats/jetstream/copies.js';
import { streamCopiesChecked } from '../../../../nats/live/observe.js';
import { observation } from '../../../../nats/observation.js';
import { buildTopology } from '../../../../nats/topology.js';

const LEADER = 'c1-js-nats-0';
function copy(server: string, lastSeq: number, more: Partial<StreamCopy> = {}): StreamCopy {
  return {
    server,
    account: 'APP',
    stream: 'answers',
    leader: LEADER,
    messages: lastSeq,
    bytes: lastSeq * 100,
    firstSeq: 1,
    lastSeq,
    deleted: 0,
    ...(server === LEADER ? { currentFollowers: ['c2-js-nats-0', 'c3-js-nats-0'] } : {}),
    ...more,
  };
}
const look = (leader: number, c2: number, c3: number, more: Record<string, Partial<StreamCopy>> = {}) => [
  copy(LEADER, leader, more[LEADER]),
  copy('c2-js-nats-0', c2, more['c2-js-nats-0']),
  copy('c3-js-nats-0', c3, more['c3-js-nats-0']),
];

describe('stream copies', () => {
  it("are read from a server's JSZ answer (accounts and streams), the leader's with its current followers", () => {
    const jsz = {
      account_details: [
        {
          name: 'APP',
          stream_detail: [
            {
              name: 'answers',
              cluster: {
                leader: 'c1-js-nats-0',
                replicas: [
                  { name: 'c2-js-nats-0', current: true },
                  { name: 'c3-js-nats-0', current: false },
                ],
              },
              state: { messages: 10, bytes: 1000, first_seq: 3, last_seq: 12, num_deleted: 0 },
            },
          ],
        },
        { name: '$SYS', stream_detail: null },
      ],
    };
    assert.deepEqual(copiesIn('c1-js-nats-0', jsz), [
      {
        server: 'c1-js-nats-0',
        account: 'APP',
        stream: 'answers',
        leader: 'c1-js-nats-0',
        currentFollowers: ['c2-js-nats-0'],
        messages: 10,
        bytes: 1000,
        firstSeq: 3,
        lastSeq: 12,
        deleted: 0,
      },
    ]);
    assert.deepEqual(copiesIn('x', undefined), []);
  });

  it('agree when every copy holds what its leader holds', () => {
    assert.deepEqual(disagreements(look(100, 100, 100)), []);
  });

  it('disagree when a copy is ahead of its leader, behind it, or holds other contents at the same sequences', () => {
    const found = disagreements(look(100, 111, 100, { 'c3-js-nats-0': { messages: 99 } }));
    assert.deepEqual(
      found.map((d) => [d.copy.server, d.kind]),
      [
        ['c2-js-nats-0', 'ahead'],
        ['c3-js-nats-0', 'differs'],
      ],
    );
    assert.deepEqual(
      disagreements(look(100, 90, 100)).map((d) => d.kind),
      ['behind'],
    );
  });

  it('are not compared without a leader copy (a leaderless stream is reported by health, not here)', () => {
    const copies = look(100, 90, 80).map((c) => ({ ...c, leader: 'gone' }));
    assert.deepEqual(disagreements(copies), []);
  });

  describe('confirmed by a second look', () => {
    it('a copy ahead: it had, at the first look, more than its leader has at the second', () => {
      assert.deepEqual(
        confirmedDisagreements(look(100, 111, 100), look(100, 111, 100)).map((d) => d.kind),
        ['ahead'],
      );
      // Under load: the copy answered a moment after the leader; the leader is past it since.
      assert.deepEqual(confirmedDisagreements(look(100, 103, 100), look(140, 141, 139)), []);
    });

    it('a copy behind: still lacking at the second look what the leader had at the first, while the leader counts it current', () => {
      assert.deepEqual(
        confirmedDisagreements(look(100, 90, 100), look(100, 90, 100)).map((d) => [d.copy.server, d.kind]),
        [['c2-js-nats-0', 'behind']],
      );
      assert.deepEqual(confirmedDisagreements(look(100, 97, 100), look(130, 128, 130)), [], 'replicating under load');
      const catchingUp = { [LEADER]: { currentFollowers: ['c3-js-nats-0'] } };
      assert.deepEqual(confirmedDisagreements(look(100, 10, 100, catchingUp), look(100, 50, 100, catchingUp)), [], 'a copy catching up');
    });

    it('other contents: neither side moved and they still differ', () => {
      const short = { 'c3-js-nats-0': { messages: 99, bytes: 9_900 } };
      assert.deepEqual(
        confirmedDisagreements(look(100, 100, 100, short), look(100, 100, 100, short)).map((d) => [d.copy.server, d.kind]),
        [['c3-js-nats-0', 'differs']],
      );
      assert.deepEqual(confirmedDisagreements(look(100, 100, 100, short), look(100, 100, 100)), [], 'a removal the copy applied since');
      assert.deepEqual(confirmedDisagreements(look(100, 100, 100, short), look(120, 120, 120, short)), [], 'moving on');
    });

    it('no verdict across an election: the leader must be the same server at both looks', () => {
      const elected = look(100, 111, 100).map((c) => ({ ...c, leader: 'c2-js-nats-0' }));
      elected[1] = { ...elected[1]!, currentFollowers: [] };
      assert.deepEqual(confirmedDisagreements(look(100, 111, 100), elected), []);
    });
  });

  it('are named with the way out that keeps the right copy', () => {
    const [ahead] = confirmedDisagreements(look(100, 111, 100), look(100, 111, 100));
    assert.equal(
      disagreementText(ahead!),
      'stream answers: the copy on c2-js-nats-0 holds sequences its leader c1-js-nats-0 does not (111 msgs, seq 1-111, 11100 B against 100 msgs, seq 1-100, 10000 B); ' +
        "fix: if c2-js-nats-0's copy is the right one, make it lead: nats stream cluster step-down answers --preferred c2-js-nats-0; else rebuild it from the leader: nats stream cluster peer-remove answers c2-js-nats-0",
    );
    const report = copiesReport(look(100, 111, 100), [ahead!]);
    assert.equal(report.problems.length, 1);
    assert.deepEqual(report.text, ['stream copies: 3 copies of 1 replicated stream(s) compared with their leaders, 1 disagree']);
    assert.deepEqual(copiesReport(look(5, 5, 5), []).text, [
      'stream copies: 3 copies of 1 replicated stream(s) compared with their leaders, all agree',
    ]);
    assert.deepEqual(copiesReport([copy(LEADER, 5)], []).text, [], 'an R1 stream has nothing to compare');
  });

  it('are looked at twice only when the first look disagrees, and make status fail when the second confirms it', async () => {
    let looks = 0;
    const agree = await streamCopiesChecked(async () => (looks++, look(100, 100, 100)), 1);
    assert.equal(looks, 1);
    assert.deepEqual(agree.disagreements, []);
    const seq = [look(100, 111, 100), look(100, 111, 100)];
    const ahead = await streamCopiesChecked(async () => seq.shift()!, 1);
    assert.deepEqual(
      ahead.disagreements.map((d) => [d.copy.server, d.kind]),
      [['c2-js-nats-0', 'ahead']],
    );
    const topology = buildTopology(['c1']);
    const o = observation({
      topology,
      live: [],
      sections: [{ name: 'stream copies', ...copiesReport(ahead.copies, ahead.disagreements) }],
    });
    assert.equal(o.ok, false);
    assert.ok(o.causes.some((c) => c.summary.startsWith('stream answers: the copy on c2-js-nats-0 holds sequences')));
  });
});
