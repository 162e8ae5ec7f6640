// From a stream message to a table row, or the reason it can never be one. Pure.
import { describeErrors, validators } from '../schemas.js';

export const TABLE = 'significant';

/** The table, created on start when missing. The stream sequence is unique: a redelivered message is stored once. */
export function createTableSql(table = TABLE): string {
  return `CREATE TABLE IF NOT EXISTS \`${table}\` (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  stream_seq BIGINT UNSIGNED NOT NULL,
  msg_id VARCHAR(200) NULL,
  \`first\` DOUBLE NOT NULL,
  \`second\` DOUBLE NOT NULL,
  operation VARCHAR(16) NOT NULL,
  result DOUBLE NOT NULL,
  region VARCHAR(64) NOT NULL,
  instance VARCHAR(128) NOT NULL,
  recorded_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_stream_seq (stream_seq)
)`;
}

export const ROW_COLUMNS = ['stream_seq', 'msg_id', 'first', 'second', 'operation', 'result', 'region', 'instance'] as const;

/** Insert a batch; a row whose stream sequence is already there changes nothing. */
export function insertSql(table = TABLE): string {
  const cols = ROW_COLUMNS.map((c) => `\`${c}\``).join(', ');
  return `INSERT INTO \`${table}\` (${cols}) VALUES ? ON DUPLICATE KEY UPDATE stream_seq = stream_seq`;
}

export type Row = [
  seq: number,
  msgId: string | null,
  first: number,
  second: number,
  operation: string,
  result: number,
  region: string,
  instance: string,
];

export type Parsed = { ok: true; row: Row } | { ok: false; reason: string };

export function toRow(data: Uint8Array, streamSeq: number, msgId: string | undefined): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  if (!validators.answer(body)) return { ok: false, reason: `payload is not an answer: ${describeErrors(validators.answer.errors)}` };
  const a = body;
  return { ok: true, row: [streamSeq, msgId ?? null, a.first, a.second, a.operation, a.result, a.region, a.instance] };
}
