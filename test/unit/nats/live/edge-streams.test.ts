import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourcedSeq } from '../../../../nats/live/edge-streams.js';

describe('an edge stream made again goes on after what the hub took from it', () => {
  it("reads the origin's sequence from the hub's Nats-Stream-Source header (nats-server 2.14.2's format)", () => {
    assert.equal(sourcedSeq('edge-e1:k6gjV4f2 689 > > edge.e1.drill.x'), 689);
    assert.equal(sourcedSeq('edge-e1 12'), 12);
  });
  it('finds none in a message that was not sourced, or a header it cannot read', () => {
    assert.equal(sourcedSeq(undefined), undefined);
    assert.equal(sourcedSeq(''), undefined);
    assert.equal(sourcedSeq('edge-e1:k6gjV4f2 x > >'), undefined);
    assert.equal(sourcedSeq('edge-e1:k6gjV4f2 0'), undefined);
  });
});
