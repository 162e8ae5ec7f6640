// Which providers exist, loaded on demand, and how one is chosen: the flag, then PROVIDER in the
// environment or .env, then the provider of the sandbox already there, then auto-detection (k3d
// when a Docker engine answers and k3d is installed).
import { existsSync } from 'node:fs';
import { createRunner } from '../core/command.js';
import type { ProviderName } from '../core/input.js';
import { stateFile } from './kubernetes/state.js';
import { localPaths } from './local/state.js';
import type { ConcreteProvider, Provider } from './provider.js';

/** Loaded on demand: the Kubernetes models are large, and a local run should not pay for them. */
const LOADERS: Record<ConcreteProvider, () => Promise<Provider>> = {
  local: async () => (await import('./local/provider.js')).localProvider,
  k3d: async () => (await import('./kubernetes/provider.js')).k3dProvider,
  kube: async () => (await import('./kubernetes/provider.js')).kubeProvider,
};

export function loadProvider(name: ConcreteProvider): Promise<Provider> {
  return LOADERS[name]();
}

/** Whether a command runs and exits 0 within `timeoutMs` (a probe: nothing is logged). */
async function answers(cmd: string[], timeoutMs: number): Promise<boolean> {
  try {
    await createRunner(false).run(cmd, { silent: true, timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}

export interface Detection {
  provider: ConcreteProvider;
  reason: string;
}

/** k3d when a Docker engine answers and k3d is installed, otherwise local. */
async function detectProvider(): Promise<Detection> {
  const [engine, k3d] = await Promise.all([
    answers(['docker', 'info', '--format', '{{.ServerVersion}}'], 5000),
    answers(['k3d', 'version'], 5000),
  ]);
  if (engine && k3d) return { provider: 'k3d', reason: 'a Docker engine answers and k3d is installed' };
  const missing = [engine ? undefined : 'no Docker engine answers `docker info`', k3d ? undefined : 'k3d is not installed'].filter(Boolean);
  return { provider: 'local', reason: `${missing.join(' and ')}: running nats-server processes on this machine` };
}

/** The provider whose sandbox is in `sandboxDir` already, when exactly one has one there. */
export function existingSandbox(sandboxDir: string): ConcreteProvider | undefined {
  const found: ConcreteProvider[] = [];
  if (existsSync(localPaths(sandboxDir).state)) found.push('local');
  for (const p of ['k3d', 'kube'] as const) if (existsSync(stateFile(sandboxDir, p))) found.push(p);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The flag, then PROVIDER in .env, then the sandbox already in `sandboxDir` (so a machine with a
 * Docker client but no engine does not wait for `docker info` on every command), then detection.
 */
export async function chooseProvider(fromFlag: ProviderName | undefined, fromEnv: ProviderName, sandboxDir: string): Promise<Detection> {
  const chosen = fromFlag ?? fromEnv;
  if (chosen !== 'auto') return { provider: chosen, reason: fromFlag ? 'chosen with --provider' : 'PROVIDER in the environment/.env' };
  const existing = existingSandbox(sandboxDir);
  if (existing) return { provider: existing, reason: `the sandbox in ${sandboxDir} was made with it` };
  return detectProvider();
}
