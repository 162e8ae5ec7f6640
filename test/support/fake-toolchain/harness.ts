// Test side of the fake toolchain: a temporary state and sandbox, the environment that puts the
// fakes first on PATH, the calls they recorded, and the CLI run in this process (much faster than a
// new process per command; the entry scripts themselves are run as processes where that matters).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../helpers.js';

export const FAKE_BIN = join(ROOT, 'test', 'support', 'fake-toolchain', 'bin');

export interface Call {
  tool: string;
  context: string | null;
  args: string[];
}

export interface FakeCluster {
  namespaces: string[];
  objects: Record<string, { metadata: { name: string }; spec?: unknown; data?: Record<string, string> }>;
  releases: Record<
    string,
    { release: string; chart: string; version: string; namespace: string; values: Record<string, unknown>; revision: number }
  >;
  restarts: string[];
  changes: string[];
  loadBalancer?: string;
  unreachable?: boolean;
  /** CRDs someone else installed: name -> "namespace/release" of their helm release, "/" if not from helm. */
  crds?: Record<string, string>;
}

export interface FakeState {
  docker: boolean;
  networks: string[];
  /** Images docker has built. */
  images: string[];
  /** Each k3d cluster with the images imported into it. */
  k3d: Record<string, { name: string; network: string; running: boolean; images?: string[] }>;
  contexts: Record<string, FakeCluster>;
  repos: Record<string, string>;
}

export function emptyCluster(extra: Partial<FakeCluster> = {}): FakeCluster {
  return { namespaces: ['default', 'kube-system'], objects: {}, releases: {}, restarts: [], changes: [], ...extra };
}

export interface Fake {
  root: string;
  stateDir: string;
  sandboxDir: string;
  env: Record<string, string>;
  calls(): Call[];
  /** Calls recorded since the last mark. */
  mark(): void;
  since(): Call[];
  state(): FakeState;
  seed(state: Partial<FakeState>): void;
  cleanup(): void;
}

export function makeFake(extraEnv: Record<string, string> = {}): Fake {
  const root = mkdtempSync(join(tmpdir(), 'k8s-fake-'));
  const stateDir = join(root, 'fake');
  const sandboxDir = join(root, 'sandbox');
  mkdirSync(stateDir);
  const callsFile = join(stateDir, 'calls.jsonl');
  let seen = 0;
  const calls = (): Call[] =>
    existsSync(callsFile)
      ? readFileSync(callsFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Call)
      : [];
  return {
    root,
    stateDir,
    sandboxDir,
    env: {
      PATH: `${FAKE_BIN}${delimiter}${process.env.PATH ?? ''}`,
      FAKE_STATE_DIR: stateDir,
      SANDBOX_DIR: sandboxDir,
      KUBE_WAIT_SECONDS: '3',
      FORCE_COLOR: '0',
      ...extraEnv,
    },
    calls,
    mark() {
      seen = calls().length;
    },
    since() {
      return calls().slice(seen);
    },
    state() {
      return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as FakeState;
    },
    seed(state) {
      writeFileSync(
        join(stateDir, 'state.json'),
        JSON.stringify({ docker: true, networks: [], images: [], k3d: {}, contexts: {}, repos: {}, ...state }),
      );
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A call as one line, with the temporary folders and the repository replaced by $SANDBOX and $ROOT. */
export function line(call: Call, fake: Fake): string {
  return [call.tool, ...call.args].join(' ').split(fake.sandboxDir).join('$SANDBOX').split(ROOT).join('$ROOT');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let worker: Worker | undefined;

/**
 * Run a command of scripts/*.mjs with `env` added to this process's environment, capturing its
 * output. It runs in a worker thread that stays up for the test file (the code base loads once);
 * stopCli() ends it.
 */
export async function cli(command: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  worker ??= new Worker(new URL('./cli-worker.mjs', import.meta.url));
  const w = worker;
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    w.once('error', onError);
    w.once('message', (m: CliResult) => {
      w.off('error', onError);
      resolve(m);
    });
    w.postMessage({ command, args, env: { ...process.env, ...env } });
  });
}

export async function stopCli(): Promise<void> {
  await worker?.terminate();
  worker = undefined;
}
