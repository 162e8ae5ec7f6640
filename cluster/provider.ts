// The numbered stages and what a provider implements. Each stage takes the cluster names and is
// safe to run again.

import type { Runner } from '../core/command.js';
import type { Settings } from '../core/settings.js';
import type { ParsedArgs } from '../scripts/lib/args.js';
import type { ConcreteProvider } from './detect.js';

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

export interface Invocation {
  names: string[];
  args: ParsedArgs;
  settings: Settings;
  provider: ConcreteProvider;
  runner: Runner;
  dryRun: boolean;
}

export interface StatusOptions {
  json: boolean;
  /** A NATS URL to ask instead of the provider's own servers. */
  server?: string;
}

export type StageFn = (ctx: Invocation) => Promise<void>;

export interface ProviderImpl {
  name: ConcreteProvider;
  stages: Partial<Record<StageId, StageFn>>;
  /** One line on why a stage does nothing for this provider. */
  skipped: Partial<Record<StageId, string>>;
  /** Checks install makes before its first stage, so bad input fails with nothing half-made. */
  preflight?(ctx: Invocation): Promise<void>;
  /** Take the named regions down (all their processes or nodes) or bring them back. */
  region?(ctx: Invocation, action: 'down' | 'up'): Promise<void>;
  /** Returns the process exit code. */
  status(ctx: Invocation, opts: StatusOptions): Promise<number>;
  delete(ctx: Invocation): Promise<void>;
}
