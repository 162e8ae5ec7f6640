// The answers database: schema on first use (and an older table brought up to date), one
// multi-row insert per batch, and a fresh pool after a failure (the server may have restarted).
import { createConnection, createPool, type Pool, type ResultSetHeader } from 'mysql2/promise';
import type { MysqlSettings } from './mysql-url.js';
import { createTableSql, insertSql, migrationSql, type Row, TABLE, type TableShape } from './rows.js';

const BAD_DB = 'ER_BAD_DB_ERROR';
/** Several recorders start at once: one of them migrates, the others wait for it. */
const SCHEMA_LOCK = 'answers_recorder_schema';

export class AnswersDb {
  private pool: Pool | undefined;
  /** The schema is made or migrated once per AnswersDb, not again on every reconnect. */
  private prepared = false;

  constructor(private readonly settings: MysqlSettings) {}

  private async createDatabase(): Promise<void> {
    const { database, ...server } = this.settings;
    const conn = await createConnection({ ...server, connectTimeout: 5000 });
    try {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
    } finally {
      await conn.end().catch(() => undefined);
    }
  }

  private async shape(pool: Pool): Promise<TableShape> {
    const [cols] = await pool.query(
      'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [TABLE],
    );
    const [idx] = await pool.query(
      'SELECT DISTINCT INDEX_NAME AS i FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0',
      [TABLE],
    );
    return { columns: (cols as { c: string }[]).map((r) => r.c), uniqueIndexes: (idx as { i: string }[]).map((r) => r.i) };
  }

  /** Create the table when missing and migrate an older one, under a lock shared by every recorder. */
  private async prepare(pool: Pool): Promise<void> {
    const conn = await pool.getConnection();
    try {
      await conn.query('SELECT GET_LOCK(?, 60)', [SCHEMA_LOCK]);
      try {
        await conn.query(createTableSql());
        for (const step of migrationSql(await this.shape(pool))) await conn.query(step);
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [SCHEMA_LOCK]).catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }

  /** Connect; a writer (the recorder) also creates the database and table when missing. */
  async open(opts: { write: boolean } = { write: true }): Promise<Pool> {
    if (this.pool) return this.pool;
    // -FOUND_ROWS: affectedRows counts only new rows, so duplicates are told apart from inserts.
    const pool = createPool({ ...this.settings, connectionLimit: 2, connectTimeout: 5000, enableKeepAlive: true, flags: ['-FOUND_ROWS'] });
    if (!opts.write || this.prepared) {
      this.pool = pool;
      return pool;
    }
    try {
      await this.prepare(pool);
      this.prepared = true;
    } catch (e) {
      await pool.end().catch(() => undefined);
      if ((e as { code?: string }).code !== BAD_DB) throw e;
      await this.createDatabase();
      return this.open();
    }
    this.pool = pool;
    return pool;
  }

  /** Insert rows in one statement (atomic on its own: committed when it returns); returns how many were new. */
  async insert(rows: Row[]): Promise<number> {
    const pool = await this.open();
    const [res] = await pool.query<ResultSetHeader>(insertSql(), [rows]);
    return res.affectedRows;
  }

  /** Forget the pool after a failure; the next call reconnects. */
  async reset(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }

  /** Rows stored of the message ids starting with `msgIdPrefix`; a reader, it changes no schema. */
  async count(msgIdPrefix: string): Promise<number> {
    const pool = await this.open({ write: false });
    try {
      // A range scan of the unique key: cheap even with millions of rows.
      const [mine] = await pool.query(`SELECT COUNT(*) AS n FROM \`${TABLE}\` WHERE answer_key LIKE ?`, [`${likePrefix(msgIdPrefix)}%`]);
      return Number((mine as { n: number | string }[])[0]!.n);
    } catch (e) {
      // No recorder has made the table yet: nothing is stored.
      if ((e as { code?: string }).code === 'ER_NO_SUCH_TABLE') return 0;
      throw e;
    }
  }

  /** Message ids stored that start with `msgIdPrefix`; a reader, it changes no schema. */
  async keys(msgIdPrefix: string): Promise<string[]> {
    const pool = await this.open({ write: false });
    try {
      const [rows] = await pool.query(`SELECT answer_key AS k FROM \`${TABLE}\` WHERE answer_key LIKE ?`, [`${likePrefix(msgIdPrefix)}%`]);
      return (rows as { k: string }[]).map((r) => r.k);
    } catch (e) {
      if ((e as { code?: string }).code === 'ER_NO_SUCH_TABLE') return [];
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

/** A LIKE pattern that matches `prefix` literally. */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
}
