// The recorder's backoff for a database that does not answer, and for a consumer that is missing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MysqlSettings } from '../../../../services/recorder/mysql-url.js';
import { MISSING_RETRY_CAP_MS, nextBackoff, waitForDatabase } from '../../../../services/recorder/recorder.js';

const mysql: MysqlSettings = { host: '127.0.0.1', port: 3306, user: 'answers', password: 'x', database: 'answers' };

/** A database that refuses the first `failures` opens. */
function flakyDb(failures: number) {
  const calls = { open: 0, reset: 0 };
  return {
    calls,
    db: {
      async open() {
        if (calls.open++ < failures) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
        return {} as never;
      },
      async reset() {
        calls.reset++;
      },
    },
  };
}

describe('recorder', () => {
  it('backs off exponentially to 5 seconds', () => {
    const seq = [0, 0, 0, 0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0)], []);
    assert.deepEqual(seq, [250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('looks for a missing consumer at least every second', () => {
    const seq = [0, 0, 0, 0].reduce<number[]>((acc) => [...acc, nextBackoff(acc.at(-1) ?? 0, MISSING_RETRY_CAP_MS)], []);
    assert.deepEqual(seq, [250, 500, 1000, 1000]);
  });

  it('takes no answers before the database answers: waits through refusals, says so once, then ready', async () => {
    const { db, calls } = flakyDb(2);
    const lines: string[] = [];
    const ok = await waitForDatabase(db, { mysql, log: (l) => lines.push(l), signal: new AbortController().signal });
    assert.equal(ok, true);
    assert.deepEqual(calls, { open: 3, reset: 2 });
    assert.deepEqual(lines, [
      'database answers on 127.0.0.1:3306 not reachable yet (connect ECONNREFUSED 127.0.0.1:3306); taking no answers until it is',
      'database answers on 127.0.0.1:3306 ready (waited for it)',
    ]);
  });

  it('gives up waiting for the database when stopped', async () => {
    const { db } = flakyDb(Number.POSITIVE_INFINITY);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    assert.equal(await waitForDatabase(db, { mysql, log: () => undefined, signal: stop.signal }), false);
  });
});
