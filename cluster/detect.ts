// Which provider runs the clusters: flag, then PROVIDER in .env, then auto-detection.
import { execFile } from 'node:child_process';
import type { ProviderName } from '../core/input.js';

export type ConcreteProvider = Exclude<ProviderName, 'auto'>;

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
export async function detectProvider(): Promise<Detection> {
  const [engine, k3d] = await Promise.all([
    answers('docker', ['info', '--format', '{{.ServerVersion}}'], 5000),
    answers('k3d', ['version'], 5000),
  ]);
  if (engine && k3d) return { provider: 'k3d', reason: 'a Docker engine answers and k3d is installed' };
  const missing = [engine ? undefined : 'no Docker engine answers `docker info`', k3d ? undefined : 'k3d is not installed'].filter(Boolean);
  return { provider: 'local', reason: `${missing.join(' and ')}: running nats-server processes on this machine` };
}

export async function chooseProvider(fromFlag: ProviderName | undefined, fromEnv: ProviderName): Promise<Detection> {
  const chosen = fromFlag ?? fromEnv;
  if (chosen !== 'auto') return { provider: chosen, reason: fromFlag ? 'chosen with --provider' : 'PROVIDER in the environment/.env' };
  return detectProvider();
}
