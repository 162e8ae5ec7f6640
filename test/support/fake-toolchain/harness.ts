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

/** A Kubernetes object as the fake keeps it; `spec` is typed per kind by KindSpecs (tests cast it). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  type?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
}

export interface PodTemplate {
  spec: { containers: { image: string }[] };
}

/** The parts of each kind's spec the fake reads, as the project's manifests have them. */
export interface KindSpecs {
  Job: { template: PodTemplate };
  Deployment: { template: PodTemplate };
  StatefulSet: { template: PodTemplate };
  Certificate: { secretName: string; issuerRef: { kind: string; name: string } };
  Issuer: { ca?: { secretName: string } } | undefined;
  Bundle: { target: { configMap: { key: string }; namespaceSelector?: { matchLabels?: Record<string, string> } } };
}

/** An object whose kind was checked, with that kind's spec. */
export type KubeObjectOf<K extends keyof KindSpecs> = KubeObject & { kind: K; spec: KindSpecs[K] };

export interface HelmRelease {
  release: string;
  chart: string;
  version: string;
  namespace: string;
  values: Record<string, unknown>;
  revision: number;
}

/** The values of a nats/nats release the fake reads to run its servers (see k8s/nats-values.ts). */
export interface NatsValues {
  fullnameOverride: string;
  config: {
    serverNamePrefix: string;
    cluster: { replicas: number; merge: { name: string } };
    merge: { server_tags?: string[]; leafnodes?: { remotes?: unknown[] } };
    jetstream: { enabled: boolean; merge?: { domain?: string } };
    gateway: { merge: { gateways?: { name: string }[] } };
    /** A hub's listener for edge sites (k8s/edges.ts). */
    leafnodes?: { enabled: boolean };
  };
}

/** A NATS server as the fake runs it. */
export interface FakeNatsServer {
  context: string;
  pod: string;
  name: string;
  cluster: string;
  tags: string[];
  jetstream: boolean;
  gateways: string[];
}

export interface FakeCluster {
  namespaces: string[];
  objects: Record<string, KubeObject>;
  releases: Record<string, HelmRelease>;
  restarts: string[];
  changes: string[];
  loadBalancer?: string;
  unreachable?: boolean;
  /** false for a k3d cluster made with --kubeconfig-update-default=false until `kubeconfig merge`. */
  inKubeconfig?: boolean;
  /** CRDs someone else installed: name -> "namespace/release" of their helm release, "/" if not from helm. */
  crds?: Record<string, string>;
}

export interface FakeK3dCluster {
  name: string;
  network: string;
  running: boolean;
  agents?: number;
  /** Host ports of its --port flags. */
  ports?: string[];
  images?: string[];
}

/** The part of a k3d config file (k3d.io/v1alpha5 Simple) the fake reads. */
export interface K3dConfig {
  apiVersion: string;
  kind: string;
  network: string;
  agents?: number;
}

/** One entry of $FAKE_FAIL: calls on `context` (any if absent) whose command line contains `match` fail. */
export interface FakeFailure {
  context?: string;
  match: string;
  message?: string;
}

export interface FakeState {
  docker: boolean;
  networks: string[];
  /** Images docker has built. */
  images: string[];
  /** Each k3d cluster with the images imported into it. */
  k3d: Record<string, FakeK3dCluster>;
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
