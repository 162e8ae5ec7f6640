// The drill's read-back of the answers stream: every message after the drill's start is read once,
// through faults that break the consumer it reads with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnswersReader, readEveryCopy, streamCopies } from '../../../../../cluster/local/drill/records.js';

/** A stream of `ids` (sequence i+1 holds ids[i]) whose first consumers fail as `faults` says. */
function fakeStream(ids: string[], faults: { failingFetches?: number } = {}) {
  const opened: number[] = [];
  let failing = faults.failingFetches ?? 0;
  const reader: AnswersReader = {
    lastSeq: async () => ids.length,
    async open(startSeq) {
      opened.push(startSeq);
      // A consumer whose server went away fails every fetch, not only the first.
      const broken = failing > 0;
      let next = startSeq;
      return {
        async fetch(max) {
          if (broken) {
            failing--;
            throw new Error('no responders');
          }
          const batch = ids.slice(next - 1, next - 1 + Math.min(max, 3)).map((id, i) => ({ seq: next + i, id }));
          next += batch.length;
          return (async function* () {
            yield* batch;
          })();
        },
        pending: async () => ids.length - next + 1,
      };
    },
  };
  return { reader, opened };
}

describe('the drill read-back', () => {
  it('counts each id of the runs after the start sequence, and an id stored twice as two copies', async () => {
    const { reader } = fakeStream(['old.1', 'r1.1', 'r1.2', 'other.1', 'r1.2', 'r2.1', 'r1.3']);
    const copies = await streamCopies(reader, 1, ['r1', 'r2'], 5000);
    assert.deepEqual(Object.fromEntries(copies), { 'r1.1': 1, 'r1.2': 2, 'r2.1': 1, 'r1.3': 1 });
  });

  it('makes a new consumer from where it stopped when its consumer fails (a server gone: no responders), instead of asking the dead one until the time is up', async () => {
    const { reader, opened } = fakeStream(['r.1', 'r.2', 'r.3', 'r.4', 'r.5'], { failingFetches: 1 });
    const copies = await streamCopies(reader, 0, ['r'], 5000);
    assert.equal(copies.size, 5);
    assert.deepEqual(opened.slice(0, 2), [1, 1]);
  });

  it('says how far it got when the stream cannot be read through in time', async () => {
    const { reader } = fakeStream(['r.1', 'r.2'], { failingFetches: 1_000_000 });
    await assert.rejects(streamCopies(reader, 0, ['r'], 300), /read the answers stream only up to sequence 0 of 2 \(no responders\)/);
  });

  it("reads each replica's copy on its own: equal copies have equal digests, a copy with another message at a sequence does not", async () => {
    const leader = ['r.1', 'r.2', 'r.3'];
    const copies = { a: leader, b: [...leader], c: ['r.1', 'r.9', 'r.3'] } as Record<string, string[]>;
    const readerOf = (server: string) => (copies[server] ? fakeStream(copies[server]) : fakeStream(leader, { failingFetches: 1e6 })).reader;
    const reads = await readEveryCopy(readerOf, ['a', 'b', 'c', 'gone'], 0, ['r'], 300);
    assert.deepEqual(
      reads.map((r) => [r.server, r.copies?.size]),
      [
        ['a', 3],
        ['b', 3],
        ['c', 3],
        ['gone', undefined],
      ],
    );
    assert.equal(reads[0]!.digest, reads[1]!.digest);
    assert.notEqual(reads[0]!.digest, reads[2]!.digest);
    assert.match(reads[3]!.error!, /read the answers stream only up to/);
  });
});
