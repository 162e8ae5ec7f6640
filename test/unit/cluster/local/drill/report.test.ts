// A drill's report from given inputs: the longest gap, the asking x answering matrix, acked-but-
// missing, duplicates (a message id stored twice in the stream), the verdict and the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport, longestGap, type RegionLoad, type ReportInput, renderReport } from '../../../../../cluster/local/drill/report.js';

function region(name: string, over: Partial<RegionLoad> = {}): RegionLoad {
  return {
    region: name,
    sent: 4,
    answered: 4,
    failures: {},
    answerTimesMs: [100, 200, 300, 400],
    answeredBy: { [name]: 4 },
    acked: { significant: 3, throwaway: 1 },
    dedupedAcks: 0,
    ...over,
  };
}

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    drill: 'region-loss c2',
    seed: 1,
    loadMs: 500,
    fault: { actions: ['stopped region c2'], appliedAtMs: 120, restoredAtMs: 250.4, restoreMs: 30.6 },
    regions: [region('c1'), region('c2')],
    acked: ['r-c1.0.add', 'r-c1.0.multiply', 'r-c2.0.add'],
    ackedSignificant: ['r-c1.0.add', 'r-c1.0.multiply', 'r-c2.0.add'],
    storedKeys: ['r-c1.0.add', 'r-c1.0.multiply', 'r-c2.0.add'],
    drainMs: 800,
    streamCopies: new Map([
      ['r-c1.0.add', 1],
      ['r-c1.0.multiply', 1],
      ['r-c2.0.add', 1],
    ]),
    healthyAfterMs: 1500.2,
    healthTimeoutMs: 90_000,
    ...over,
  };
}

describe('the longest gap in answers', () => {
  it('counts from the start to the first answer, between answers, and from the last to the end', () => {
    assert.deepEqual(longestGap([100, 150, 900, 1000], 0, 1100), { ms: 750, fromMs: 150, toMs: 900 });
    assert.deepEqual(longestGap([3000], 0, 3100), { ms: 3000, fromMs: 0, toMs: 3000 }, 'no answer until late');
    assert.deepEqual(longestGap([100], 0, 5000), { ms: 4900, fromMs: 100, toMs: 5000 }, 'never answered again');
    assert.deepEqual(longestGap([], 0, 2000), { ms: 2000, fromMs: 0, toMs: 2000 });
    assert.deepEqual(longestGap([400, 100, 250], 0, 450).ms, 150, 'answers arrive in any order');
  });
});

describe('a drill report', () => {
  it('passes when every acked answer is stored once and the sandbox healed', () => {
    const r = buildReport(input());
    assert.equal(r.ok, true);
    assert.deepEqual(r.failures, []);
    assert.equal(r.ackedButMissing, 0);
    assert.equal(r.duplicates, 0);
    assert.equal(r.rows, 3);
    assert.equal(r.streamMessages, 3);
    assert.deepEqual(r.acked, { significant: 6, throwaway: 2, total: 8, deduplicated: 0 });
    assert.deepEqual(r.totals, { sent: 8, answered: 8, failed: 0 });
    assert.equal(r.healthyAfterMs, 1500);
    assert.deepEqual(r.fault, { actions: ['stopped region c2'], appliedAtMs: 120, restoredAtMs: 250, restoreMs: 31 });
  });

  it('puts who answered whom in a matrix of asking x answering region', () => {
    const r = buildReport(input({ regions: [region('c1', { answeredBy: { c1: 3, c2: 1 } }), region('c2', { answeredBy: { c1: 4 } })] }));
    assert.deepEqual(r.matrix, { c1: { c1: 3, c2: 1 }, c2: { c1: 4 } });
  });

  it('finds the longest gap per asking region and overall, naming the worst region', () => {
    const r = buildReport(
      input({ regions: [region('c1', { answerTimesMs: [50, 100, 150, 450] }), region('c2', { answerTimesMs: [10, 60, 490] })] }),
    );
    assert.deepEqual(
      r.regions.map((g) => [g.region, g.longestGap.ms]),
      [
        ['c1', 300],
        ['c2', 430],
      ],
    );
    assert.equal(r.longestGap.region, 'c2');
    assert.deepEqual({ ms: r.longestGap.ms, fromMs: r.longestGap.fromMs }, { ms: 300, fromMs: 150 }, 'c1 answered while c2 was silent');
  });

  it('counts an acked answer with no row as missing and fails', () => {
    const r = buildReport(input({ storedKeys: ['r-c1.0.add'] }));
    assert.equal(r.ackedButMissing, 2);
    assert.deepEqual(r.missingExamples, ['r-c1.0.multiply', 'r-c2.0.add']);
    assert.equal(r.ok, false);
    assert.match(r.failures.join('\n'), /2 acknowledged answer\(s\) not in MySQL after 1s/);
  });

  it('counts a row whose ack never came as stored, not as missing or duplicate', () => {
    const r = buildReport(input({ storedKeys: ['r-c1.0.add', 'r-c1.0.multiply', 'r-c2.0.add', 'r-c2.0.multiply'] }));
    assert.equal(r.storedWithoutAck, 1);
    assert.equal(r.rows, 4);
    assert.equal(r.ok, true);
  });

  it('counts a question stored twice in the stream as a duplicate and fails', () => {
    const r = buildReport(
      input({
        streamCopies: new Map([
          ['r-c1.0.add', 3],
          ['r-c2.0.add', 2],
          ['r-c2.0.divide', 1],
        ]),
      }),
    );
    assert.equal(r.duplicates, 3);
    assert.deepEqual(r.duplicateExamples, ['r-c1.0.add x3', 'r-c2.0.add x2']);
    assert.equal(r.streamMessages, 6);
    assert.equal(r.ok, false);
  });

  it('counts an acknowledged publish the stream does not hold as lost by JetStream and fails', () => {
    const r = buildReport(input({ acked: ['r-c1.0.add', 'r-c1.0.multiply', 'r-c2.0.add', 'r-c2.0.subtract'] }));
    assert.equal(r.ackedNotInStream, 1);
    assert.equal(r.ok, false);
    assert.match(r.failures.join('\n'), /1 acknowledged publish\(es\) not in the answers stream/);
    assert.match(renderReport(r), /^acked but not in stream: +1 {2}FAIL$/m);
  });

  it('fails when the stream could not be read back (duplicates unknown) or the sandbox never healed', () => {
    const unread = buildReport(input({ streamCopies: undefined, streamError: 'timeout' }));
    assert.equal(unread.ok, false);
    assert.match(unread.failures.join('\n'), /could not be read back .*\(timeout\)/);
    const sick = buildReport(input({ healthyAfterMs: undefined, unhealthy: ['region c2 is down'] }));
    assert.equal(sick.ok, false);
    assert.equal(sick.healthyAgain, false);
    assert.deepEqual(sick.unhealthy, ['region c2 is down']);
    assert.match(sick.failures.join('\n'), /not healthy within 90s/);
  });

  it("judges every replica's own copy: each holds every acked answer once, all alike", () => {
    const whole = new Map([
      ['r-c1.0.add', 1],
      ['r-c1.0.multiply', 1],
      ['r-c2.0.add', 1],
    ]);
    const good = buildReport(
      input({
        copyReads: [
          { server: 'c1-xr-js-nats-0', copies: whole, digest: 'aa' },
          { server: 'c2-xr-js-nats-0', copies: whole, digest: 'aa' },
        ],
      }),
    );
    assert.equal(good.ok, true, good.failures.join('; '));
    assert.deepEqual(good.copies?.[0], { server: 'c1-xr-js-nats-0', messages: 3, ackedMissing: 0, duplicates: 0, agrees: true });
    assert.match(
      renderReport(good),
      /^copy on c1-xr-js-nats-0: +3 messages of this run, 0 acked missing, 0 duplicates, same as the others {2}ok$/m,
    );

    const short = new Map([...whole].slice(1));
    const twice = new Map([...whole, ['r-c2.0.add', 2]]);
    const bad = buildReport(
      input({
        copyReads: [
          { server: 'a', copies: whole, digest: 'aa' },
          { server: 'b', copies: whole, digest: 'aa' },
          { server: 'c', copies: short, digest: 'cc' },
          { server: 'd', copies: twice, digest: 'dd' },
          { server: 'e', error: 'no consumer landed on e in 30 tries' },
        ],
      }),
    );
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.failures.slice(-3), [
      'the copy on c lacks 1 acknowledged publish(es), differs from the other copies',
      'the copy on d holds 1 answer(s) twice, differs from the other copies',
      'the copy on e could not be read (no consumer landed on e in 30 tries)',
    ]);
    assert.match(
      renderReport(bad),
      /^copy on c: +2 messages of this run, 1 acked missing, 0 duplicates, DIFFERS from the others {2}FAIL$/m,
    );
    // Two copies that disagree with nothing to break the tie: neither is called right.
    const tied = buildReport(
      input({
        copyReads: [
          { server: 'a', copies: whole, digest: 'aa' },
          { server: 'b', copies: whole, digest: 'bb' },
        ],
      }),
    );
    assert.deepEqual(
      tied.copies?.map((c) => c.agrees),
      [false, false],
    );
  });

  it('counts request failures apart from publish failures', () => {
    const r = buildReport(input({ regions: [region('c1', { failures: { timeout: 2, publish: 5, '503': 1 } })] }));
    assert.deepEqual(r.totals, { sent: 4, answered: 4, failed: 3 });
  });
});

describe('the report table', () => {
  it('shows the load per asking region with a column per answering region, then every verdict', () => {
    const text = renderReport(
      buildReport(
        input({
          regions: [
            region('c1', { answeredBy: { c1: 3, c2: 1 }, failures: { timeout: 2 } }),
            region('c2', { answerTimesMs: [10, 490], answeredBy: { c2: 2 } }),
          ],
        }),
      ),
    );
    const lines = text.split('\n');
    assert.match(lines[0]!, /^drill region-loss c2 \(seed 1\): load 0\.5s, fault at 0\.1s, restored at 0\.3s/);
    const header = lines.findIndex((l) => l.startsWith('asking'));
    assert.match(lines[header]!, /^asking\s+sent\s+answered\s+failed\s+by c1\s+by c2\s+longest gap\s+acked$/);
    assert.match(lines[header + 2]!, /^c1\s+4\s+4\s+timeout 2\s+3\s+1\s+100 ms\s+4$/);
    assert.match(lines[header + 3]!, /^c2\s+4\s+4\s+-\s+0\s+2\s+480 ms\s+4$/);
    assert.match(text, /^acked but missing: +0 {2}ok$/m);
    assert.match(text, /^duplicates: +0 {2}ok \(3 stream messages of this run\)$/m);
    assert.match(text, /^healthy again: +after 1\.5s {2}ok$/m);
    assert.match(text, /drill passed/);
  });

  it('says FAIL and why', () => {
    const text = renderReport(buildReport(input({ storedKeys: [], healthyAfterMs: undefined, unhealthy: ['region c2 is down'] })));
    assert.match(text, /^acked but missing: +3 {2}FAIL e\.g\. r-c1\.0\.add/m);
    assert.match(text, /^healthy again: +not within 90\.0s {2}FAIL$/m);
    assert.match(text, /^ {2}- region c2 is down$/m);
    assert.match(text, /^drill FAILED: 3 acknowledged answer\(s\) not in MySQL/m);
  });
});
