// A bench's own sandbox: a temp dir and a port base of its own, the scripts run as a user runs
// them (a Node process each, so their start-up is in the figures), and removed at the end.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../../core/errors.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ScriptRun {
  seconds: number;
  stdout: string;
}

export interface BenchSandbox {
  /** The bench's temp folder: the sandbox (`dir`) and any scratch files of the bench. */
  top: string;
  /** SANDBOX_DIR. */
  dir: string;
  /** The scripts' environment; a bench may change it between scripts (wan-routes' route settings). */
  env: NodeJS.ProcessEnv;
  /** Runs scripts/<name>.mjs; throws with its output when it fails. */
  script: (name: string, ...args: string[]) => ScriptRun;
  /** Runs scripts/<name>.mjs and returns whatever it did (a drill that fails still reports). */
  scriptResult: (name: string, ...args: string[]) => SpawnSyncReturns<string>;
  /** Deletes the sandbox (its processes) and the temp folder. */
  remove: () => void;
}

export function benchSandbox(tag: string, portBase: number, extraEnv: NodeJS.ProcessEnv = {}): BenchSandbox {
  const top = mkdtempSync(join(tmpdir(), `nats-bench-${tag}-`));
  const dir = join(top, 'state');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PROVIDER: 'local',
    SANDBOX_DIR: dir,
    LOCAL_PORT_BASE: String(portBase),
    LOCAL_MYSQL_PORT: String(portBase - 1),
    MYSQL_URL: process.env.MYSQL_URL ?? '',
    FORCE_COLOR: '0',
    ...extraEnv,
  };
  const scriptResult = (name: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', `${name}.mjs`), ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const script = (name: string, ...args: string[]) => {
    const t = performance.now();
    const r = scriptResult(name, ...args);
    if (r.status !== 0) throw new SandboxError(`${name} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return { seconds: (performance.now() - t) / 1000, stdout: r.stdout };
  };
  const remove = () => {
    try {
      script('delete');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  };
  return { top, dir, env, script, scriptResult, remove };
}
