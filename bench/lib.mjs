// What the benches share: a sandbox of their own (temp dir, their own port base), the scripts run
// as a user runs them, medians with their spread, resident memory of everything the sandbox runs,
// and the comparison with a saved baseline. No test fixtures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

/** A throw-away sandbox; benches default to port bases in 10000-13000 (below the ephemeral range, away from the tests). */
export function benchSandbox(tag, portBase, extraEnv = {}) {
  const top = mkdtempSync(join(tmpdir(), `nats-bench-${tag}-`));
  const dir = join(top, 'state');
  const env = {
    ...process.env,
    PROVIDER: 'local',
    SANDBOX_DIR: dir,
    LOCAL_PORT_BASE: String(portBase),
    LOCAL_MYSQL_PORT: String(portBase - 1),
    MYSQL_URL: process.env.MYSQL_URL ?? '',
    FORCE_COLOR: '0',
    ...extraEnv,
  };
  /** A script whose exit code the bench reads itself (a drill that fails still reports). */
  const scriptResult = (name, ...args) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', `${name}.mjs`), ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const script = (name, ...args) => {
    const t = performance.now();
    const r = scriptResult(name, ...args);
    if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return { seconds: (performance.now() - t) / 1000, stdout: r.stdout };
  };
  const remove = () => {
    try {
      script('delete');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  };
  return { dir, env, script, scriptResult, remove };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** "median [min–max]" of a list. */
export function spread(xs, digits = 0) {
  const f = (x) => x.toFixed(digits);
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function pidsUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => join(dir, n, 'pid'))
    .filter(existsSync)
    .map((f) => Number(readFileSync(f, 'utf8').trim()))
    .filter((p) => p > 0);
}

/** Resident memory (MiB) of everything the local sandbox runs: servers, service hosts, MariaDB, the WAN router. */
export function sandboxRssMiB(sandboxDir) {
  const local = join(sandboxDir, 'local');
  const sum = (pids) => pids.reduce((a, p) => a + rssKiB(p), 0) / 1024;
  const mysqlPid = join(local, 'mysql', 'pid');
  const servers = sum(pidsUnder(join(local, 'servers')));
  const services = sum(pidsUnder(join(local, 'services')));
  const mysql = existsSync(mysqlPid) ? sum([Number(readFileSync(mysqlPid, 'utf8').trim())]) : 0;
  const wan = sum(pidsUnder(join(local, 'wan')));
  return { servers, services, mysql, wan, total: servers + services + mysql + wan };
}

/** Print each key of `result` against a saved baseline; write a new one with --save. */
export function compareAndSave(result, keys, baselineFile, saveFile) {
  if (baselineFile && existsSync(baselineFile)) {
    const base = JSON.parse(readFileSync(baselineFile, 'utf8'));
    console.log(`  against ${baselineFile}:`);
    for (const k of keys) {
      if (typeof base[k] !== 'number' || typeof result[k] !== 'number') {
        console.log(`  ${k.padEnd(30)} ${'-'.padStart(8)} -> ${String(result[k]).padStart(8)}  (not in the baseline)`);
        continue;
      }
      const change = ((result[k] - base[k]) / base[k]) * 100;
      // A count that must stay 0 (a drill's losses) has no percentage: say whether it moved.
      const how = base[k] === 0 ? (result[k] === 0 ? 'same' : 'was 0') : `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
      console.log(`  ${k.padEnd(30)} ${String(base[k]).padStart(8)} -> ${String(result[k]).padStart(8)}  (${how})`);
    }
  }
  if (saveFile) writeFileSync(saveFile, `${JSON.stringify(result, null, 2)}\n`);
}
