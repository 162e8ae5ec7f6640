// A private MariaDB/MySQL server under the sandbox for the recorder when MYSQL_URL is not set:
// its own data directory, its own loopback port, generated passwords (mode 0600), a pid file that
// `delete` finds.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import type { Runner } from '../../core/command.js';
import { probe } from '../../core/command.js';
import { SandboxError } from '../../core/errors.js';
import { onPath } from '../../core/go-tool.js';
import { commandHint } from '../../core/hint.js';
import { addSecret } from '../../core/log.js';
import { poll } from '../../core/poll.js';
import { generatePassword } from '../../core/secrets.js';
import { DEFAULT_DATABASE, mysqlUrl, parseMysqlUrl } from '../../services/recorder/mysql-url.js';
import { TABLE } from '../../services/recorder/rows.js';
import { findBusyPorts } from './port-check.js';
import { logTail, ourPid, removePidFile, startDetached, stopProcess } from './processes.js';

/** The MySQL client, loaded when a database is first asked: commands that never ask do not load it. */
async function createConnection(options: ConnectionOptions): Promise<Connection> {
  return (await import('mysql2/promise')).createConnection(options);
}

export interface MysqlBinaries {
  server: string;
  /** mariadb-install-db, or undefined for MySQL (mysqld --initialize-insecure). */
  installDb?: string;
  flavor: 'mariadb' | 'mysql';
}

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

/** mariadbd or mysqld on PATH or in the usual sbin directories; undefined when neither is installed. */
export function findMysqlServer(env: NodeJS.ProcessEnv): MysqlBinaries | undefined {
  const find = (name: string) => onPath(name, env, SBIN);
  const mariadbd = find('mariadbd');
  const installDb = find('mariadb-install-db') ?? find('mysql_install_db');
  if (mariadbd && installDb) return { server: mariadbd, installDb, flavor: 'mariadb' };
  const mysqld = find('mysqld');
  if (!mysqld) return undefined;
  const version = probe([mysqld, '--version']);
  if (version === undefined) return undefined;
  if (/mariadb/i.test(version)) return installDb ? { server: mysqld, installDb, flavor: 'mariadb' } : undefined;
  return { server: mysqld, flavor: 'mysql' };
}

export function mysqlPaths(sandboxDir: string) {
  const dir = join(sandboxDir, 'local', 'mysql');
  return {
    dir,
    data: join(dir, 'data'),
    pid: join(dir, 'pid'),
    log: join(dir, 'server.log'),
    socket: join(dir, 'mysqld.sock'),
    serverPid: join(dir, 'mysqld.pid'),
    credentials: join(dir, 'credentials.json'),
  };
}

interface StoredCredentials {
  port: number;
  user: string;
  password: string;
  rootPassword: string;
}

function readCredentials(file: string): StoredCredentials | undefined {
  if (!existsSync(file)) return undefined;
  let c: StoredCredentials;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as StoredCredentials;
    if (!c.password || !c.rootPassword || !Number.isInteger(c.port)) throw new Error('fields missing');
  } catch (e) {
    throw new SandboxError(
      `${file} cannot be read (${(e as Error).message})\nfix: delete the sandbox (${commandHint('delete')}) or remove ${dirname(file)} and run stage 08 again (the private database starts empty)`,
    );
  }
  addSecret(c.password);
  addSecret(c.rootPassword);
  return c;
}

/** The port the private server uses: the one it was made with, else `fallback` (LOCAL_MYSQL_PORT). */
function privateMysqlPort(sandboxDir: string, fallback: number): number {
  return readCredentials(mysqlPaths(sandboxDir).credentials)?.port ?? fallback;
}

/** Before anything starts: the private server's port must be free unless our server holds it. */
export async function checkPrivateMysqlPort(sandboxDir: string, fallback: number): Promise<void> {
  if (privateMysqlPid(sandboxDir)) return;
  const port = privateMysqlPort(sandboxDir, fallback);
  const busy = await findBusyPorts([{ port, owner: 'private MySQL' }]);
  if (busy.length) {
    const who = busy[0]!.holder ? ` by pid ${busy[0]!.holder.pid} (${busy[0]!.holder.command.slice(0, 100)})` : '';
    throw new SandboxError(
      `port ${port} for the private MySQL server is taken${who}\nfix: set LOCAL_MYSQL_PORT to a free port, or MYSQL_URL to a server of your own`,
    );
  }
}

export function privateMysqlPid(sandboxDir: string): number | undefined {
  const p = mysqlPaths(sandboxDir);
  return ourPid(p.pid, p.data);
}

/**
 * Where the recorders write, the one rule: MYSQL_URL when set (a server of the user's own), else
 * the private server when the sandbox made one; undefined when there is neither.
 */
export function recorderDatabase(sandboxDir: string, env: NodeJS.ProcessEnv): { url: string; external: boolean } | undefined {
  if (env.MYSQL_URL) return { url: env.MYSQL_URL, external: true };
  const url = privateMysqlUrl(sandboxDir);
  return url ? { url, external: false } : undefined;
}

/** The URL of the private server when it runs. */
export function privateMysqlUrl(sandboxDir: string): string | undefined {
  const c = readCredentials(mysqlPaths(sandboxDir).credentials);
  return c ? mysqlUrl({ host: '127.0.0.1', port: c.port, user: c.user, password: c.password, database: DEFAULT_DATABASE }) : undefined;
}

async function waitSocket(socketPath: string, password: string | undefined, timeoutMs: number, logFile: string): Promise<void> {
  const result = await poll({
    timeoutMs,
    intervalMs: 250,
    attempt: async () => {
      try {
        const c = await createConnection({ socketPath, user: 'root', ...(password ? { password } : {}), connectTimeout: 2000 });
        await c.end();
      } catch (e) {
        // A root password set earlier: the server is up, the caller retries with it.
        if ((e as { code?: string }).code !== 'ER_ACCESS_DENIED_ERROR') throw e;
      }
      return true;
    },
  });
  if (result.value) return;
  throw new SandboxError(
    `the private MySQL server did not accept connections within ${Math.round(timeoutMs / 1000)}s (${result.lastError ?? 'no answer'})\n${logTail(logFile, 8)}\nfix: look at ${logFile}`,
  );
}

export interface PrivateMysqlOptions {
  sandboxDir: string;
  port: number;
  binaries: MysqlBinaries;
  runner: Runner;
  say: (line: string) => void;
  timeoutMs?: number;
  /** Run mariadb-install-db without echoing the command (a start ahead of stage 08, during other stages). */
  quiet?: boolean;
}

/** The private server as stage 08 sees it: its URL at once, `ready` once it answers with its database and user. */
export interface PrivateMysql {
  url: string;
  ready: Promise<void>;
}

/**
 * Start (or find running) the private server. The credentials are made first, so the URL is known
 * at once and the services hosts can start while the server starts (their recorders wait for it);
 * `ready` resolves once the server answers with its database and user in place.
 */
export function startPrivateMysql(opts: PrivateMysqlOptions): PrivateMysql {
  const p = mysqlPaths(opts.sandboxDir);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const saved = readCredentials(p.credentials);
  const running = privateMysqlPid(opts.sandboxDir);
  const creds = saved ?? { port: opts.port, user: 'answers', password: generatePassword(), rootPassword: generatePassword() };
  // Saved ones are already masked in the log (readCredentials); new ones are from now on.
  if (!saved) {
    writeFileSync(p.credentials, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
    addSecret(creds.password);
    addSecret(creds.rootPassword);
  }
  const url = privateMysqlUrl(opts.sandboxDir)!;
  if (running && saved) return { url, ready: Promise.resolve() };
  const ready = bootPrivateMysql(opts, creds);
  // Awaited by the caller later: a failure before then must not count as unhandled.
  ready.catch(() => undefined);
  return { url, ready };
}

async function bootPrivateMysql(opts: PrivateMysqlOptions, creds: StoredCredentials): Promise<void> {
  const p = mysqlPaths(opts.sandboxDir);
  const port = creds.port;
  const asRoot = process.getuid?.() === 0 ? [`--user=${userInfo().username}`] : [];
  if (!existsSync(join(p.data, 'mysql'))) {
    mkdirSync(p.data, { recursive: true });
    const init =
      opts.binaries.flavor === 'mariadb'
        ? [
            opts.binaries.installDb!,
            '--no-defaults',
            `--datadir=${p.data}`,
            '--auth-root-authentication-method=normal',
            '--skip-test-db',
            ...asRoot,
          ]
        : [opts.binaries.server, '--no-defaults', '--initialize-insecure', `--datadir=${p.data}`, ...asRoot];
    await opts.runner.run(init, {
      silent: opts.quiet === true,
      fix: `remove ${p.dir} and run stage 08 again, or set MYSQL_URL to a server of your own`,
      timeout: 120_000,
    });
  }
  await checkPrivateMysqlPort(opts.sandboxDir, port);
  const pid = startDetached({
    command: opts.binaries.server,
    args: [
      '--no-defaults',
      `--datadir=${p.data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${p.socket}`,
      `--pid-file=${p.serverPid}`,
      '--skip-name-resolve',
      // A sandbox holds a few MB of answers: small caches keep the server near 50 MiB instead of
      // 100+ (the whole local sandbox aims at <= 1 GiB), and batched inserts do not need more.
      '--innodb-buffer-pool-size=16M',
      '--innodb-log-buffer-size=4M',
      '--key-buffer-size=1M',
      '--aria-pagecache-buffer-size=1M',
      '--table-open-cache=64',
      '--performance-schema=OFF',
      `--log-error=${p.log}`,
      ...asRoot,
    ],
    pidFile: p.pid,
    logFile: p.log,
  });
  opts.say(`private ${opts.binaries.flavor} server started on 127.0.0.1:${port} (pid ${pid}, data in ${p.data})`);
  await waitSocket(p.socket, undefined, opts.timeoutMs ?? 60_000, p.log);
  // Idempotent bootstrap: a fresh server has a root without password, a bootstrapped one has ours.
  let root: Connection;
  try {
    root = await createConnection({ socketPath: p.socket, user: 'root', connectTimeout: 5000, multipleStatements: false });
  } catch {
    root = await createConnection({ socketPath: p.socket, user: 'root', password: creds.rootPassword, connectTimeout: 5000 });
  }
  try {
    await root.query(`CREATE DATABASE IF NOT EXISTS \`${DEFAULT_DATABASE}\``);
    await root.query(`CREATE USER IF NOT EXISTS '${creds.user}'@'127.0.0.1' IDENTIFIED BY ?`, [creds.password]);
    await root.query(`CREATE USER IF NOT EXISTS '${creds.user}'@'localhost' IDENTIFIED BY ?`, [creds.password]);
    await root.query(`GRANT ALL PRIVILEGES ON \`${DEFAULT_DATABASE}\`.* TO '${creds.user}'@'127.0.0.1'`);
    await root.query(`GRANT ALL PRIVILEGES ON \`${DEFAULT_DATABASE}\`.* TO '${creds.user}'@'localhost'`);
    await root.query(`ALTER USER 'root'@'localhost' IDENTIFIED BY ?`, [creds.rootPassword]);
  } finally {
    await root.end().catch(() => undefined);
  }
}

export async function stopPrivateMysql(sandboxDir: string): Promise<boolean> {
  const p = mysqlPaths(sandboxDir);
  const pid = privateMysqlPid(sandboxDir);
  removePidFile(p.pid);
  if (!pid) return false;
  await stopProcess(pid, 20_000);
  return true;
}

/** What a MySQL server says when we connect, in words a user can act on. */
function describeMysqlError(e: unknown, where: string, user: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ER_ACCESS_DENIED_ERROR') return `MySQL at ${where} refuses user '${user}' (wrong password?)`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${where}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${where} does not resolve`;
  if (code === 'ETIMEDOUT') return `${where} does not answer`;
  return `MySQL at ${where}: ${(e as Error).message}`;
}

/** Connect once as the recorder would; undefined when that works, else why not. */
export async function mysqlProblem(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const m = parseMysqlUrl(url);
  try {
    const c = await createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, connectTimeout: timeoutMs });
    await c.end();
    return undefined;
  } catch (e) {
    return describeMysqlError(e, `${m.host}:${m.port}`, m.user);
  }
}

export interface RecordedRows {
  rows: number;
  lastWrite?: string;
}

/** Rows the recorder wrote and when it last did (the table may not exist yet: 0 rows). */
export async function recordedRows(url: string, timeoutMs = 3000): Promise<RecordedRows> {
  const m = parseMysqlUrl(url);
  const c = await createConnection({ ...m, connectTimeout: timeoutMs });
  try {
    const [rows] = await c.query(`SELECT COUNT(*) AS n, MAX(recorded_at) AS last FROM \`${TABLE}\``);
    const r = (rows as { n: number; last: Date | null }[])[0]!;
    return { rows: Number(r.n), ...(r.last ? { lastWrite: new Date(r.last).toISOString() } : {}) };
  } catch (e) {
    if ((e as { code?: string }).code === 'ER_NO_SUCH_TABLE') return { rows: 0 };
    throw e;
  } finally {
    await c.end().catch(() => undefined);
  }
}
