#!/usr/bin/env zx
import { spawnSync } from 'node:child_process';
// Benchmark of the local supercluster: cold install (stages 01 + 06) to a converged supercluster,
// the servers' total resident memory, and a warm re-run. Prints a table and JSON; compares with a
// saved baseline when given one.
//
//   npx zx bench/supercluster.mjs [--names c1,c2,c3] [--runs 3] [--save bench/baseline.json] [--baseline bench/baseline.json]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const names = String(argv.names ?? 'c1,c2,c3').split(',');
const runs = Number(argv.runs ?? 3);
const root = new URL('..', import.meta.url).pathname;
const sandbox = join(mkdtempSync(join(tmpdir(), 'nats-bench-')), 'state');
const env = {
  ...process.env,
  PROVIDER: 'local',
  SANDBOX_DIR: sandbox,
  LOCAL_PORT_BASE: String(argv['port-base'] ?? 26000),
  FORCE_COLOR: '0',
};

function script(name, ...args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts', `${name}.mjs`), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return (performance.now() - t) / 1000;
}

function serversRssMiB() {
  const dir = join(sandbox, 'local', 'servers');
  let kib = 0;
  for (const s of readdirSync(dir)) {
    const pid = readFileSync(join(dir, s, 'pid'), 'utf8').trim();
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    kib += Number(m?.[1] ?? 0);
  }
  return kib / 1024;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = [],
  warm = [],
  rss = [];
try {
  for (let i = 0; i < runs; i++) {
    script('delete');
    cold.push(script('01-clusters', ...names) + script('06-supercluster', ...names));
    rss.push(serversRssMiB());
    warm.push(script('06-supercluster', ...names));
  }
} finally {
  script('delete');
  rmSync(join(sandbox, '..'), { recursive: true, force: true });
}

const result = {
  names: names.length,
  servers: names.length * 12,
  runs,
  coldInstallSeconds: Number(median(cold).toFixed(2)),
  warmRerunSeconds: Number(median(warm).toFixed(2)),
  serversRssMiB: Math.round(median(rss)),
  machine: `${os.cpus().length} cpu, node ${process.version}`,
};
console.log(`supercluster bench (${result.servers} servers, median of ${runs})`);
console.log(`  cold install (01+06) to converged: ${result.coldInstallSeconds}s   [${cold.map((x) => x.toFixed(2)).join(', ')}]`);
console.log(`  warm re-run of 06:                 ${result.warmRerunSeconds}s   [${warm.map((x) => x.toFixed(2)).join(', ')}]`);
console.log(`  resident memory of the servers:    ${result.serversRssMiB} MiB`);
if (argv.baseline && existsSync(argv.baseline)) {
  const base = JSON.parse(readFileSync(argv.baseline, 'utf8'));
  for (const k of ['coldInstallSeconds', 'warmRerunSeconds', 'serversRssMiB']) {
    const change = ((result[k] - base[k]) / base[k]) * 100;
    console.log(
      `  ${k.padEnd(20)} ${String(base[k]).padStart(8)} -> ${String(result[k]).padStart(8)}  (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`,
    );
  }
}
if (argv.save) writeFileSync(argv.save, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
