// The provider interface (what a provider implements for the numbered stages and the commands
// around them), which providers exist, how one is chosen, and the per-run invocation every stage
// gets: the command's input, its settings, the one runner, and the one topology of the run.
import { execFile } from 'node:child_process';
import { createRunner, type Runner } from '../core/command.js';
import type { ParsedArgs, ProviderName } from '../core/input.js';
import type { Settings } from '../core/settings.js';
import type { Observation } from '../nats/observation.js';
import { resolveTopology, type SavedTopology, type Topology } from '../nats/topology.js';

export const STAGES = [
  { id: '01-clusters', title: 'clusters' },
  { id: '02-certs', title: 'certs' },
  { id: '03-linkerd', title: 'linkerd' },
  { id: '04-observability', title: 'observability' },
  { id: '05-ingress', title: 'ingress' },
  { id: '06-supercluster', title: 'supercluster' },
  { id: '07-jetstream', title: 'jetstream' },
  { id: '08-services', title: 'services' },
] as const;

export type StageId = (typeof STAGES)[number]['id'];

export type ConcreteProvider = Exclude<ProviderName, 'auto'>;

/** One command run: what it was asked, with what settings, against which saved sandbox. */
export interface Invocation {
  /** The names given, else the ones the sandbox saved. */
  readonly names: string[];
  args: ParsedArgs;
  settings: Settings;
  provider: ConcreteProvider;
  runner: Runner;
  dryRun: boolean;
  /** What this sandbox saved for this provider, if it exists (read when first asked: delete must work on unreadable state). */
  saved(): SavedTopology | undefined;
  /** The topology of this run (see resolveTopology), computed once. */
  topology(): Topology;
}

export type StageFn = (inv: Invocation) => Promise<void>;

export interface Provider {
  name: ConcreteProvider;
  stages: Partial<Record<StageId, StageFn>>;
  /** One line on why a stage does nothing for this provider. */
  skipped: Partial<Record<StageId, string>>;
  /** The names and replicas this provider's sandbox was made with, if any. */
  saved(settings: Settings): SavedTopology | undefined;
  /** Checks install makes before its first stage, so bad input fails with nothing half-made. */
  preflight?(inv: Invocation): Promise<void>;
  /**
   * install only: work a later stage takes over, started in the background once stage `after`
   * succeeded (the input is checked by then), so it runs while the stages between do theirs.
   */
  headStart?: { after: StageId; start(inv: Invocation): void };
  /** Take the named regions down (all their processes or nodes) or bring them back. */
  region?(inv: Invocation, action: 'down' | 'up'): Promise<void>;
  /** Cut the named regions' links (--from, --heal): both sides keep running. */
  partition?(inv: Invocation): Promise<void>;
  /**
   * The live sandbox compared with its topology (what status prints and the page draws).
   * `waitMs`: how long to wait for servers that do not answer (the live page asks for less).
   */
  observe(inv: Invocation, opts?: { waitMs?: number }): Promise<Observation>;
  /** Where a client reaches each cluster from this machine, when the provider knows it. */
  clientUrl?(inv: Invocation): (cluster: string) => string;
  delete(inv: Invocation): Promise<void>;
}

/** Loaded on demand: the Kubernetes models are large, and a local run should not pay for them. */
export const PROVIDERS: Record<ConcreteProvider, () => Promise<Provider>> = {
  local: async () => (await import('./local/provider.js')).localProvider,
  k3d: async () => (await import('./kubernetes/provider.js')).k3dProvider,
  kube: async () => (await import('./kubernetes/provider.js')).kubeProvider,
};

export function createInvocation(args: ParsedArgs, settings: Settings, provider: Provider, names: string[] = args.names): Invocation {
  let saved: { value: SavedTopology | undefined } | undefined;
  const read = () => {
    saved ??= { value: provider.saved(settings) };
    return saved.value;
  };
  return invocationFor(
    { args, settings, provider: provider.name, runner: createRunner(args.dryRun), dryRun: args.dryRun, saved: read },
    names,
  );
}

/** The same run for other names (region --up reconciles the whole sandbox). */
export function withNames(inv: Invocation, names: string[]): Invocation {
  return invocationFor(inv, names);
}

/** An invocation of `names` over a run's fixed parts: the topology resolved once, when first asked. */
function invocationFor(run: Omit<Invocation, 'names' | 'topology'>, names: string[]): Invocation {
  let topology: Topology | undefined;
  return {
    args: run.args,
    settings: run.settings,
    provider: run.provider,
    runner: run.runner,
    dryRun: run.dryRun,
    saved: run.saved,
    get names() {
      return names.length ? names : [...(run.saved()?.names ?? [])];
    },
    topology() {
      topology ??= resolveTopology({ names, flags: run.args.replicas, saved: run.saved(), env: run.settings.replicas });
      return topology;
    },
  };
}

// --- choice --------------------------------------------------------------------------------------

function answers(cmd: string, args: string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err) => resolve(!err));
  });
}

export interface Detection {
  provider: ConcreteProvider;
  reason: string;
}

/** k3d when a Docker engine answers and k3d is installed, otherwise local. */
async function detectProvider(): Promise<Detection> {
  const [engine, k3d] = await Promise.all([
    answers('docker', ['info', '--format', '{{.ServerVersion}}'], 5000),
    answers('k3d', ['version'], 5000),
  ]);
  if (engine && k3d) return { provider: 'k3d', reason: 'a Docker engine answers and k3d is installed' };
  const missing = [engine ? undefined : 'no Docker engine answers `docker info`', k3d ? undefined : 'k3d is not installed'].filter(Boolean);
  return { provider: 'local', reason: `${missing.join(' and ')}: running nats-server processes on this machine` };
}

/** The flag, then PROVIDER in .env, then auto-detection. */
export async function chooseProvider(fromFlag: ProviderName | undefined, fromEnv: ProviderName): Promise<Detection> {
  const chosen = fromFlag ?? fromEnv;
  if (chosen !== 'auto') return { provider: chosen, reason: fromFlag ? 'chosen with --provider' : 'PROVIDER in the environment/.env' };
  return detectProvider();
}
