// MYSQL_URL (mysql://user:password@host:port/database) as mysql2 connection settings. Pure; a
// malformed URL is a usage error (exit 2), found before anything runs.
import { UsageError } from '../../core/errors.js';

export interface MysqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export const DEFAULT_DATABASE = 'answers';

export function parseMysqlUrl(url: string): MysqlSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('MYSQL_URL is not a URL; expected mysql://user:password@host:3306/answers');
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new UsageError(`MYSQL_URL must start with mysql://, not ${u.protocol}//`);
  if (!u.hostname || !u.username)
    throw new UsageError('MYSQL_URL needs a user and a host, e.g. mysql://answers:secret@127.0.0.1:3306/answers');
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || DEFAULT_DATABASE;
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new UsageError(`MYSQL_URL names database '${database}'; use letters, digits and _ only`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  };
}

export function mysqlUrl(s: MysqlSettings): string {
  return `mysql://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${s.database}`;
}
