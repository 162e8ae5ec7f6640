#!/usr/bin/env zx
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Benchmark of stage 08 on a local sandbox: requester throughput and latency (p50/p90/p99) asking
// from c1, and the recorder's rows per second draining a backlog into MySQL. Prints a table and
// JSON; compares with a saved baseline when given one. Makes and removes its own sandbox.
//
//   npx zx bench/services.mjs [--rounds 1000] [--concurrency 8] [--backlog 2000] [--save bench/baseline-services.json] [--baseline bench/baseline-services.json]
import { register } from 'tsx/esm/api';

register();
const { connect } = await import('@nats-io/transport-node');
const { readLocalState } = await import('../cluster/local/state.ts');
const { localClientEnv } = await import('../cluster/local/supercluster.ts');
const { servicePid } = await import('../cluster/local/service-processes.ts');
const { stopProcess } = await import('../cluster/local/processes.ts');
const { connectionFromEnv } = await import('../nats/live/client.ts');
const { buildTopology } = await import('../nats/topology.ts');
const { loadCredentials } = await import('../core/secrets.ts');
const { runRequester } = await import('../services/requester/run.ts');
const { countRows } = await import('../test/support/services-fixture.ts');

const rounds = Number(argv.rounds ?? 1000);
const concurrency = Number(argv.concurrency ?? 8);
const backlogRounds = Number(argv.backlog ?? 2000);
const names = ['c1', 'c2', 'c3'];
const root = new URL('..', import.meta.url).pathname;
const sandbox = join(mkdtempSync(join(tmpdir(), 'nats-bench-services-')), 'state');
const portBase = Number(argv['port-base'] ?? 27000);
const env = {
  ...process.env,
  PROVIDER: 'local',
  SANDBOX_DIR: sandbox,
  LOCAL_PORT_BASE: String(portBase),
  LOCAL_MYSQL_PORT: String(portBase - 1),
  FORCE_COLOR: '0',
};
if (!process.env.MYSQL_URL) env.MYSQL_URL = '';

function script(name, ...args) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', `${name}.mjs`), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function scriptAsync(name, ...args) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [join(root, 'scripts', `${name}.mjs`), ...args], { env, stdio: 'ignore' });
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}`))));
  });
}

async function connectRequester() {
  const plan = readLocalState(sandbox);
  const topo = buildTopology(plan.names, { replicas: plan.replicas });
  const creds = loadCredentials(sandbox, {}, false);
  return connect({ ...connectionFromEnv({ ...localClientEnv(topo, plan, creds, 'requester', 'c1') }), timeout: 5000 });
}

function mysqlUrl() {
  if (process.env.MYSQL_URL) return process.env.MYSQL_URL;
  const c = JSON.parse(readFileSync(join(sandbox, 'local', 'mysql', 'credentials.json'), 'utf8'));
  return `mysql://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/answers`;
}

let result;
try {
  script('install', ...names, '--replicas', 'seed=1,js=1,gw=1,xr=1');
  const nc = await connectRequester();
  const warm = await runRequester(nc, { count: 20, concurrency });
  const run = await runRequester(nc, { count: rounds, concurrency });
  if (run.summary.errors) throw new Error(`requester errors: ${JSON.stringify(run.failures)}`);

  // Recorder: let it catch up, stop every recorder, build a backlog, start them again and time
  // the drain from the first new row to the last.
  const url = mysqlUrl();
  const sofar = warm.summary.published.significant + run.summary.published.significant;
  for (let t = Date.now(); (await countRows(url)).rows < sofar && Date.now() - t < 120_000; ) await sleep(100);
  for (const n of names) {
    const pid = servicePid(sandbox, `${n}-recorder-0`);
    if (pid) await stopProcess(pid);
  }
  const start = await countRows(url);
  const backlog = await runRequester(nc, { count: backlogRounds, concurrency: 16 });
  const target = start.rows + backlog.summary.published.significant;
  await nc.close();
  const restarting = scriptAsync('08-services', ...names);
  let first, firstRows;
  const deadline = Date.now() + 300_000;
  let now = start;
  while (now.rows < target && Date.now() < deadline) {
    now = await countRows(url);
    if (first === undefined && now.rows > start.rows) {
      first = performance.now();
      firstRows = now.rows;
    }
    await sleep(20);
  }
  await restarting;
  if (now.rows < target) throw new Error(`the recorders stored ${now.rows - start.rows} of ${target - start.rows} rows in time`);
  const drainMs = performance.now() - first;
  result = {
    rounds,
    concurrency,
    requestsPerSecond: Math.round((run.summary.requests / run.elapsedMs) * 1000),
    latencyP50Ms: run.summary.latencyMs.p50,
    latencyP90Ms: run.summary.latencyMs.p90,
    latencyP99Ms: run.summary.latencyMs.p99,
    backlogRows: target - start.rows,
    recorderRowsPerSecond: Math.round(((target - firstRows) / drainMs) * 1000),
    machine: `${os.cpus().length} cpu, node ${process.version}`,
  };
} finally {
  try {
    script('delete');
  } finally {
    rmSync(join(sandbox, '..'), { recursive: true, force: true });
  }
}

console.log(`services bench (3 regions, requests from c1, ${rounds} rounds x 4 operations, concurrency ${concurrency})`);
console.log(`  requester throughput: ${result.requestsPerSecond} requests/s (each answered and published to JetStream)`);
console.log(`  requester latency:    p50 ${result.latencyP50Ms}ms, p90 ${result.latencyP90Ms}ms, p99 ${result.latencyP99Ms}ms`);
console.log(
  `  recorder:             ${result.recorderRowsPerSecond} rows/s (backlog of ${result.backlogRows} significant answers, 3 recorders)`,
);
const keys = ['requestsPerSecond', 'latencyP50Ms', 'latencyP90Ms', 'latencyP99Ms', 'recorderRowsPerSecond'];
if (argv.baseline && existsSync(argv.baseline)) {
  const base = JSON.parse(readFileSync(argv.baseline, 'utf8'));
  for (const k of keys) {
    const change = ((result[k] - base[k]) / base[k]) * 100;
    console.log(
      `  ${k.padEnd(22)} ${String(base[k]).padStart(8)} -> ${String(result[k]).padStart(8)}  (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`,
    );
  }
}
if (argv.save) writeFileSync(argv.save, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
