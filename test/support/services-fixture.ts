// A small local supercluster with JetStream, services and (when MariaDB/MySQL is at hand) the
// recorder, for the services and jetstream integration tests. Everything through the scripts.
// Port bases stay below 32768: above it the kernel hands out the local ends of outgoing connections.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createConnection } from 'mysql2/promise';
import { findMysqlServer, mysqlPaths } from '../../cluster/local/mysql.js';
import { readLocalState } from '../../cluster/local/state.js';
import { localClientEnv } from '../../cluster/local/supercluster.js';
import { loadCredentials } from '../../core/secrets.js';
import type { Identity } from '../../nats/accounts.js';
import { connectionFromEnv } from '../../nats/live/client.js';
import { buildTopology, type Topology } from '../../nats/topology.js';
import { mysqlUrl, parseMysqlUrl } from '../../services/recorder/mysql-url.js';
import { makeSandbox, runScript, type Sandbox, type ScriptResult } from './helpers.js';

export const NAMES = ['c1', 'c2', 'c3'];
/** One server per role and datacenter: xr-js still has one server in each of the 3 datacenters (R3 works). */
export const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];

export interface Fixture {
  sandbox: Sandbox;
  run(script: string, args?: string[], env?: NodeJS.ProcessEnv): Promise<ScriptResult>;
  topo(): Topology;
  connectAs(identity: Identity, region?: string): Promise<NatsConnection>;
  /** MYSQL_URL the recorders write to (undefined: no MySQL on this machine). */
  mysqlUrl(): string | undefined;
  cleanup(): Promise<void>;
}

/**
 * MySQL for a test: a private server the stage starts under the sandbox when mariadbd/mysqld is
 * installed (so a test may stop it), else MYSQL_URL with a database of the test's own.
 */
export function mysqlEnv(tag: string, preferPrivate = true): { env: NodeJS.ProcessEnv; external?: string } {
  if (preferPrivate && findMysqlServer(process.env)) return { env: { MYSQL_URL: '' } };
  if (process.env.MYSQL_URL) {
    const s = parseMysqlUrl(process.env.MYSQL_URL);
    const url = mysqlUrl({ ...s, database: `answers_${tag}_${process.pid}` });
    return { env: { MYSQL_URL: url }, external: url };
  }
  return { env: { MYSQL_URL: '' } };
}

export function makeFixture(portBase: number, extraEnv: NodeJS.ProcessEnv = {}): Fixture {
  const sandbox = makeSandbox(portBase, { SERVICES_TIMEOUT_SECONDS: '120', LOCAL_MYSQL_PORT: String(portBase - 1), ...extraEnv });
  const conns: NatsConnection[] = [];
  const fixture: Fixture = {
    sandbox,
    run: (script, args = [], env = {}) => runScript(script, args, { ...sandbox.env, ...env }),
    topo() {
      const plan = readLocalState(sandbox.dir);
      if (!plan) throw new Error('no sandbox plan yet');
      return buildTopology(plan.names, { replicas: plan.replicas });
    },
    async connectAs(identity, region = 'c1') {
      const plan = readLocalState(sandbox.dir)!;
      const creds = loadCredentials(sandbox.dir, {}, false);
      const env = localClientEnv(fixture.topo(), plan, creds, identity, region);
      const nc = await connect({ ...connectionFromEnv({ ...env }), timeout: 5000 });
      conns.push(nc);
      return nc;
    },
    mysqlUrl() {
      if (extraEnv.MYSQL_URL) return extraEnv.MYSQL_URL;
      try {
        const c = JSON.parse(readFileSync(mysqlPaths(sandbox.dir).credentials, 'utf8')) as { port: number; user: string; password: string };
        return mysqlUrl({ host: '127.0.0.1', port: c.port, user: c.user, password: c.password, database: 'answers' });
      } catch {
        return undefined;
      }
    },
    async cleanup() {
      await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
      const external = extraEnv.MYSQL_URL;
      if (external) {
        const s = parseMysqlUrl(external);
        const { database, ...server } = s;
        const c = await createConnection(server).catch(() => undefined);
        await c?.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
        await c?.end().catch(() => undefined);
      }
      await sandbox.cleanup();
    },
  };
  return fixture;
}

/** Rows in answers.significant: total, distinct answer keys, distinct message ids. */
export async function countRows(url: string): Promise<{ rows: number; keys: number; ids: number }> {
  const s = parseMysqlUrl(url);
  const c = await createConnection({ ...s, connectTimeout: 5000 });
  try {
    const [r] = await c.query('SELECT COUNT(*) AS n, COUNT(DISTINCT answer_key) AS k, COUNT(DISTINCT msg_id) AS i FROM significant');
    const row = (r as { n: number; k: number; i: number }[])[0]!;
    return { rows: Number(row.n), keys: Number(row.k), ids: Number(row.i) };
  } catch (e) {
    if ((e as { code?: string }).code === 'ER_NO_SUCH_TABLE') return { rows: 0, keys: 0, ids: 0 };
    throw e;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error = '';
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (e) {
      error = (e as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}${error ? `, last error ${error}` : ''}`);
}

export function expectOk(r: ScriptResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`);
}
