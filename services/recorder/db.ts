// The answers database: schema on first use, batched inserts in one transaction, and a fresh
// pool after a failure (the server may have restarted).
import { createConnection, createPool, type Pool, type ResultSetHeader } from 'mysql2/promise';
import type { MysqlSettings } from './mysql-url.js';
import { createTableSql, insertSql, type Row, TABLE } from './rows.js';

const BAD_DB = 'ER_BAD_DB_ERROR';

export class AnswersDb {
  private pool: Pool | undefined;

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

  /** Connect, creating the database and table when missing. */
  async open(): Promise<Pool> {
    if (this.pool) return this.pool;
    const pool = createPool({ ...this.settings, connectionLimit: 2, connectTimeout: 5000, enableKeepAlive: true });
    try {
      await pool.query(createTableSql());
    } catch (e) {
      await pool.end().catch(() => undefined);
      if ((e as { code?: string }).code !== BAD_DB) throw e;
      await this.createDatabase();
      return this.open();
    }
    this.pool = pool;
    return pool;
  }

  /** Insert rows in one transaction; returns how many were new. */
  async insert(rows: Row[]): Promise<number> {
    const pool = await this.open();
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const [res] = await conn.query<ResultSetHeader>(insertSql(), [rows]);
      await conn.commit();
      return res.affectedRows;
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    } finally {
      conn.release();
    }
  }

  /** Forget the pool after a failure; the next call reconnects. */
  async reset(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => undefined);
  }

  /** Rows stored, in all and of the message ids starting with `msgIdPrefix`. */
  async count(msgIdPrefix: string): Promise<{ all: number; matching: number }> {
    const pool = await this.open();
    const [rows] = await pool.query(`SELECT COUNT(*) AS \`all\`, COALESCE(SUM(msg_id LIKE ?), 0) AS matching FROM \`${TABLE}\``, [
      `${msgIdPrefix}%`,
    ]);
    const r = (rows as { all: number | string; matching: number | string }[])[0]!;
    return { all: Number(r.all), matching: Number(r.matching) };
  }

  async close(): Promise<void> {
    await this.reset();
  }
}
