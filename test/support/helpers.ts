// Shared test helpers: run the user-facing scripts as a user would, in a throw-away sandbox,
// and make sure nothing they started outlives the test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidFilesUnder } from '../../cluster/local/processes.js';

// A developer's .env must not change what the tests see (npm test sets this too).
process.env.ENV_FILE ??= '';
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const ZX = join(ROOT, 'node_modules', '.bin', 'zx');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run `npx zx scripts/<script>.mjs ...args` with extra environment; `interrupt` sends it SIGINT once
 * `when` resolves or its output matches `output`.
 */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 180_000,
  interrupt?: { when?: Promise<unknown>; output?: RegExp },
): Promise<ScriptResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(ZX, [join(ROOT, 'scripts', `${script}.mjs`), ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', PROVIDER: 'local', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const stop = () => {
      if (interrupted) return;
      interrupted = true;
      child.kill('SIGINT');
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      if (interrupt?.output?.test(stdout)) stop();
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    void interrupt?.when?.then(stop);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Stop anything still running from this sandbox and remove it. */
  cleanup(): Promise<void>;
}

/**
 * TEST_AUTH=jwt runs the suite's sandboxes in operator mode (AUTH, as a user's .env would);
 * unset: each sandbox's default, mTLS. A test about one mode skips itself in the other.
 */
export const TEST_AUTH = process.env.TEST_AUTH === 'jwt' ? 'jwt' : 'mtls';

/** Skip reason for a test that is about mTLS itself, when the suite runs in operator mode. */
export const MTLS_ONLY = TEST_AUTH === 'jwt' ? 'about mTLS itself (TEST_AUTH=jwt)' : false;

/** A temporary sandbox with its own port range. */
export function makeSandbox(portBase: number, extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'nats-sandbox-test-'));
  const sandboxDir = join(dir, 'state');
  const env = {
    SANDBOX_DIR: sandboxDir,
    LOCAL_PORT_BASE: String(portBase),
    CONVERGE_TIMEOUT_SECONDS: '120',
    ...(TEST_AUTH === 'jwt' ? { AUTH: 'jwt' } : {}),
    ...extraEnv,
  };
  return {
    dir: sandboxDir,
    env,
    async cleanup() {
      await runScript('delete', [], env).catch(() => undefined);
      killAllUnder(sandboxDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Last resort after a failed test: SIGKILL every process of `dir` (pid files, command lines). */
export function killAllUnder(dir: string): void {
  for (const pid of processesMentioning(`${dir}/`)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const f of pidFilesUnder(dir)) {
    const pid = Number(readFileSync(f, 'utf8').trim());
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(dir)) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Pids of live processes whose command line mentions `marker`. */
export function processesMentioning(marker: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
        return cmd?.includes(marker) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

export function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON:\n${text.slice(0, 2000)}`);
  }
}

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a program (the nats CLI) without a shell, `input` on its stdin; killed after `timeoutMs`. */
export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000, input = ''): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr: signal ? `${stderr}\n(killed: ${signal} after ${timeoutMs} ms)` : stderr });
    });
    child.stdin.end(input);
  });
}
