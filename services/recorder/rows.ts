// From a stream message to a table row, or the reason it can never be one; the table, its insert
// and the steps that bring an older table up to date. Pure.
import { describeErrors, validators } from '../schemas.js';

export const TABLE = 'significant';
const KEY_INDEX = 'uq_answer_key';
const OLD_SEQ_INDEX = 'uq_stream_seq';

/**
 * The table, created on start when missing. `answer_key` is unique: the message id the requester
 * set (Nats-Msg-Id), so a redelivered message, a duplicate publish and an answer of a recreated
 * stream (whose sequences restart at 1) are each stored exactly once.
 */
export function createTableSql(table = TABLE): string {
  return `CREATE TABLE IF NOT EXISTS \`${table}\` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  stream_seq BIGINT UNSIGNED NOT NULL,
  msg_id VARCHAR(200) NULL,
  answer_key VARCHAR(255) NOT NULL,
  \`first\` DOUBLE NOT NULL,
  \`second\` DOUBLE NOT NULL,
  operation VARCHAR(16) NOT NULL,
  result DOUBLE NOT NULL,
  region VARCHAR(64) NOT NULL,
  instance VARCHAR(128) NOT NULL,
  recorded_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY ${KEY_INDEX} (answer_key),
  KEY idx_stream_seq (stream_seq)
)`;
}

/** What the database says about an existing table: its columns and its unique indexes. */
export interface TableShape {
  columns: readonly string[];
  uniqueIndexes: readonly string[];
}

/**
 * Statements that bring a table made by an earlier version (unique on stream_seq, no answer_key)
 * to today's shape; none for a current table, so running it again changes nothing. Old rows get
 * their message id as key (or a key of their own when they have none or share one), so they stay.
 */
export function migrationSql(shape: TableShape, table = TABLE): string[] {
  const steps: string[] = [];
  const t = `\`${table}\``;
  if (!shape.columns.includes('answer_key')) steps.push(`ALTER TABLE ${t} ADD COLUMN answer_key VARCHAR(255) NULL AFTER msg_id`);
  if (!shape.uniqueIndexes.includes(KEY_INDEX)) {
    // The first row of a message id keeps it; any later copy (stored twice before this key existed) gets its own.
    steps.push(
      `UPDATE ${t} AS r LEFT JOIN (SELECT MIN(id) AS keep_id FROM ${t} WHERE msg_id IS NOT NULL GROUP BY msg_id) AS k ON k.keep_id = r.id ` +
        `SET r.answer_key = IF(k.keep_id IS NULL, CONCAT('legacy:', r.id), r.msg_id) WHERE r.answer_key IS NULL`,
      `ALTER TABLE ${t} MODIFY answer_key VARCHAR(255) NOT NULL, ADD UNIQUE KEY ${KEY_INDEX} (answer_key)`,
    );
  }
  if (shape.uniqueIndexes.includes(OLD_SEQ_INDEX)) {
    // A recreated stream starts again at 1: the sequence must no longer decide what is a duplicate.
    steps.push(`ALTER TABLE ${t} DROP INDEX ${OLD_SEQ_INDEX}, ADD KEY idx_stream_seq (stream_seq)`);
  }
  return steps;
}

export const ROW_COLUMNS = ['stream_seq', 'msg_id', 'answer_key', 'first', 'second', 'operation', 'result', 'region', 'instance'] as const;

/** Insert a batch in one statement; a row whose key is already there changes nothing (affectedRows counts only new rows). */
export function insertSql(table = TABLE): string {
  const cols = ROW_COLUMNS.map((c) => `\`${c}\``).join(', ');
  return `INSERT INTO \`${table}\` (${cols}) VALUES ? ON DUPLICATE KEY UPDATE answer_key = answer_key`;
}

export type Row = [
  seq: number,
  msgId: string | null,
  key: string,
  first: number,
  second: number,
  operation: string,
  result: number,
  region: string,
  instance: string,
];

export type Parsed = { ok: true; row: Row } | { ok: false; reason: string };

/** Where a message sits in its stream; the time tells a recreated stream's sequence 1 from the old one's. */
export interface StreamPosition {
  seq: number;
  msgId?: string | undefined;
  /** When the stream stored it (nanoseconds since the epoch). */
  storedNanos: number;
}

/** The unique key of an answer: its message id, else where and when the stream stored it. */
export function answerKey(p: StreamPosition): string {
  return p.msgId ? p.msgId : `seq:${p.seq}@${p.storedNanos}`;
}

export function toRow(data: Uint8Array, p: StreamPosition): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  if (!validators.answer(body)) return { ok: false, reason: `payload is not an answer: ${describeErrors(validators.answer.errors)}` };
  const a = body;
  if (p.msgId && p.msgId.length > 200) return { ok: false, reason: 'message id is longer than 200 characters' };
  return { ok: true, row: [p.seq, p.msgId || null, answerKey(p), a.first, a.second, a.operation, a.result, a.region, a.instance] };
}
