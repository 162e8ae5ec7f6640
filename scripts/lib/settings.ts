// Settings a user may change: .env (documented in .env.example), the environment, then flags.
import { config as loadDotenv } from 'dotenv';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, type ProviderName, PROVIDERS } from './args.js';
import { DEFAULT_PORT_BASE } from '../../cluster/local/ports.js';
import { DEFAULT_REPLICAS, ROLES, type Role } from '../../nats/topology.js';
import { DEFAULT_JS_LIMITS, type JetStreamLimits } from '../../nats/server-config.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Settings {
  provider: ProviderName;
  sandboxDir: string;
  /** LOCAL_PORT_BASE when set; otherwise the saved plan's base, else the default (see resolvePlan). */
  portBase?: number;
  natsServerBin?: string;
  /** Replica counts set in the environment (flags and the saved plan may add more). */
  replicas: Partial<Record<Role, number>>;
  convergeTimeoutMs: number;
  jsLimits: JetStreamLimits;
  env: NodeJS.ProcessEnv;
}

let dotenvLoaded = false;
/** Load .env once; variables already in the environment win over it. */
export function loadEnvFile(): void {
  if (dotenvLoaded) return;
  dotenvLoaded = true;
  loadDotenv({ path: resolve(PROJECT_ROOT, '.env'), quiet: true } as never);
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number >= ${min}; got '${raw}'`);
  return n;
}

const ENV_REPLICAS: Record<Role, string> = { seed: 'SEED_REPLICAS', js: 'JS_REPLICAS', gw: 'GW_REPLICAS', xr: 'XR_REPLICAS' };

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const provider = (env.PROVIDER || 'auto') as ProviderName;
  if (!PROVIDERS.includes(provider)) throw new UsageError(`PROVIDER must be one of ${PROVIDERS.join(', ')}; got '${env.PROVIDER}'`);
  const sandbox = env.SANDBOX_DIR || '.sandbox';
  const replicas: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    if (env[ENV_REPLICAS[role]]) replicas[role] = int(env, ENV_REPLICAS[role], DEFAULT_REPLICAS[role]);
  }
  return {
    provider,
    sandboxDir: isAbsolute(sandbox) ? sandbox : resolve(PROJECT_ROOT, sandbox),
    ...(env.LOCAL_PORT_BASE ? { portBase: int(env, 'LOCAL_PORT_BASE', DEFAULT_PORT_BASE, 1024) } : {}),
    ...(env.NATS_SERVER_BIN ? { natsServerBin: env.NATS_SERVER_BIN } : {}),
    replicas,
    convergeTimeoutMs: int(env, 'CONVERGE_TIMEOUT_SECONDS', 90) * 1000,
    jsLimits: {
      maxMemoryBytes: int(env, 'JS_MAX_MEMORY_MB', DEFAULT_JS_LIMITS.maxMemoryBytes / 1024 ** 2) * 1024 ** 2,
      maxFileBytes: int(env, 'JS_MAX_FILE_MB', DEFAULT_JS_LIMITS.maxFileBytes / 1024 ** 2) * 1024 ** 2,
    },
    env,
  };
}
