// Answers to rows, keyed by message id; the insert; the migration of a table keyed on stream_seq.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerKey, createTableSql, insertSql, migrationSql, toRow } from '../../../../services/recorder/rows.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const a = { first: 5, second: 2, operation: 'subtract', result: 3, region: 'c2', instance: 'c2-subtractor-0' };

describe('recorder rows', () => {
  it('turns answers into rows keyed by their message id and names what can never be stored', () => {
    assert.deepEqual(toRow(enc(a), { seq: 17, msgId: 'run.1.subtract', storedNanos: 1 }), {
      ok: true,
      row: [17, 'run.1.subtract', 'run.1.subtract', 5, 2, 'subtract', 3, 'c2', 'c2-subtractor-0'],
    });
    assert.deepEqual(toRow(enc('nope'), { seq: 1, storedNanos: 1 }), { ok: false, reason: 'payload is not JSON' });
    const missing = toRow(enc({ ...a, result: undefined }), { seq: 1, storedNanos: 1 });
    assert.ok(!missing.ok && /required property 'result'/.test(missing.reason));
    assert.ok(!toRow(enc({ ...a, operation: 'modulo' }), { seq: 1, storedNanos: 1 }).ok);
    assert.ok(!toRow(enc(a), { seq: 1, msgId: 'x'.repeat(201), storedNanos: 1 }).ok);
  });

  it('keys an answer without message id by sequence and store time, so a recreated stream does not collide', () => {
    assert.equal(answerKey({ seq: 1, msgId: 'run.0.add', storedNanos: 5 }), 'run.0.add');
    const before = answerKey({ seq: 1, storedNanos: 1_000 });
    const after = answerKey({ seq: 1, storedNanos: 2_000 });
    assert.notEqual(before, after);
    assert.equal(before, 'seq:1@1000');
  });

  it('makes today’s table unique on the answer key, not on the stream sequence', () => {
    assert.match(createTableSql(), /UNIQUE KEY uq_answer_key \(answer_key\)/);
    assert.doesNotMatch(createTableSql(), /UNIQUE KEY uq_stream_seq/);
    assert.match(insertSql(), /\(`stream_seq`, `msg_id`, `answer_key`, .*\) VALUES \? ON DUPLICATE KEY UPDATE answer_key = answer_key/);
  });

  it('migrates a table keyed on stream_seq step by step, and a current table not at all', () => {
    const old = migrationSql({ columns: ['id', 'stream_seq', 'msg_id', 'first'], uniqueIndexes: ['PRIMARY', 'uq_stream_seq'] });
    assert.equal(old.length, 4);
    assert.match(old[0]!, /ADD COLUMN answer_key/);
    assert.match(old[1]!, /SET r\.answer_key = IF\(k\.keep_id IS NULL, CONCAT\('legacy:', r\.id\), r\.msg_id\)/);
    assert.match(old[2]!, /ADD UNIQUE KEY uq_answer_key/);
    assert.match(old[3]!, /DROP INDEX uq_stream_seq/);
    // Half-way (column added, then interrupted): only what is left.
    const half = migrationSql({ columns: ['answer_key'], uniqueIndexes: ['PRIMARY', 'uq_stream_seq'] });
    assert.equal(half.length, 3);
    assert.deepEqual(migrationSql({ columns: ['answer_key'], uniqueIndexes: ['PRIMARY', 'uq_answer_key'] }), []);
  });
});
