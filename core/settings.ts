// Every setting a user may change, read in this one module with one parser per kind of value:
// .env (documented in .env.example), the environment over it, flags over both (args.ts).

import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { AUTH_MODES, type AuthMode } from '../nats/jwt-auth.js';
import {
  DEFAULT_JS_LIMITS,
  type JetStreamLimits,
  ROUTE_COMPRESSION,
  type RouteCompression,
  type StretchedRoutes,
} from '../nats/server-config.js';
import { ROLES, type Role } from '../nats/topology.js';
import { UsageError } from './errors.js';
import { PROVIDERS, type ProviderName } from './input.js';

/**
 * The nats-server version, one pin for both paths: the local provider runs it (built from the Go
 * module proxy), the Kubernetes path deploys its image. The pinned nats chart ships the same one
 * (its appVersion; a test keeps them equal).
 */
export const NATS_SERVER_VERSION = '2.14.2';

const RELEASE = /^v?\d+\.\d+\.\d+$/;

/** NATS_SERVER_VERSION without a leading v (both paths read it here). */
function natsServerVersion(env: Env): string {
  return matching(env, 'NATS_SERVER_VERSION', NATS_SERVER_VERSION, RELEASE, `a nats-server release such as ${NATS_SERVER_VERSION}`).replace(
    /^v/,
    '',
  );
}

/**
 * Compression of the xr-js routes, the only routes that cross regions. nats-server's own default
 * for routes is `accept` (compress only when the other side asks); at 40 ms s2_auto halved the
 * bytes on the WAN for about the same rate and CPU (bench/wan-routes.ts, docs/measurements.md).
 */
export const XR_ROUTE_COMPRESSION_DEFAULT: RouteCompression = 's2_auto';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** First loopback port of the local provider; every server takes four from here. */
export const DEFAULT_PORT_BASE = 14222;

type Env = NodeJS.ProcessEnv;

const unset = (env: Env, name: string) => env[name] === undefined || env[name] === '';

/** A whole number from `min` to `max`, or `fallback` when the variable is unset or empty. */
export function wholeNumber(env: Env, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (unset(env, name)) return fallback;
  const raw = env[name]!;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${name} must be a whole number ${range}; got '${raw}'`);
  }
  return n;
}

/** A string matching `pattern` (described by `example`), or `fallback`. */
function matching(env: Env, name: string, fallback: string, pattern: RegExp, example: string): string {
  const v = unset(env, name) ? fallback : env[name]!;
  if (!pattern.test(v)) throw new UsageError(`${name} must be ${example}; got '${v}'`);
  return v;
}

const text = (env: Env, name: string, fallback = '') => (unset(env, name) ? fallback : env[name]!);

export interface Settings {
  provider: ProviderName;
  sandboxDir: string;
  /** LOCAL_PORT_BASE when set; otherwise the saved state's base, else the default. */
  portBase?: number;
  natsServerBin?: string;
  /** The pinned nats-server version: what the local provider runs and the Kubernetes path deploys. */
  natsServerVersion: string;
  /** Replica counts set in the environment (flags and the saved state rank above them). */
  replicas: Partial<Record<Role, number>>;
  convergeTimeoutMs: number;
  /** WAN: round-trip delays between the regions of a new local sandbox (cluster/local/wan/spec.ts). */
  wan?: string;
  /** AUTH: how the clients of a new sandbox (any provider) prove who they are (--auth ranks above it). */
  auth?: AuthMode;
  jsLimits: JetStreamLimits;
  /** XR_ROUTE_COMPRESSION, XR_ROUTE_POOL_SIZE: the routes of the stretched xr-js cluster. */
  stretchedRoutes: StretchedRoutes;
  env: Env;
}

let dotenvLoaded = false;
/**
 * Load .env once; variables already in the environment win over it. ENV_FILE names another file,
 * or none when empty (the tests run with ENV_FILE= so a developer's .env cannot change them).
 */
export function loadEnvFile(env: Env = process.env): void {
  if (dotenvLoaded) return;
  dotenvLoaded = true;
  const file = env.ENV_FILE ?? resolve(PROJECT_ROOT, '.env');
  if (file === '') return;
  loadDotenv({ path: isAbsolute(file) ? file : resolve(PROJECT_ROOT, file), quiet: true } as never);
}

/** The xr-js routes' compression (default XR_ROUTE_COMPRESSION_DEFAULT) and pool (default: the server's). */
function stretchedRoutes(env: Env): StretchedRoutes {
  const compression = text(env, 'XR_ROUTE_COMPRESSION', XR_ROUTE_COMPRESSION_DEFAULT);
  if (!(ROUTE_COMPRESSION as readonly string[]).includes(compression))
    throw new UsageError(`XR_ROUTE_COMPRESSION must be one of ${ROUTE_COMPRESSION.join(', ')}; got '${compression}'`);
  return {
    compression: compression as RouteCompression,
    ...(unset(env, 'XR_ROUTE_POOL_SIZE') ? {} : { poolSize: wholeNumber(env, 'XR_ROUTE_POOL_SIZE', 3, 1, 64) }),
  };
}

/** AUTH, checked like --auth (scripts/lib/auth-flag.ts). */
function authMode(env: Env): AuthMode {
  const raw = env.AUTH!;
  if (!(AUTH_MODES as readonly string[]).includes(raw)) throw new UsageError(`AUTH must be one of ${AUTH_MODES.join(', ')}; got '${raw}'`);
  return raw as AuthMode;
}

const ENV_REPLICAS: Record<Role, string> = { seed: 'SEED_REPLICAS', js: 'JS_REPLICAS', gw: 'GW_REPLICAS', xr: 'XR_REPLICAS' };

const MIB = 1024 ** 2;

export function readSettings(env: Env = process.env): Settings {
  const provider = text(env, 'PROVIDER', 'auto') as ProviderName;
  if (!PROVIDERS.includes(provider)) throw new UsageError(`PROVIDER must be one of ${PROVIDERS.join(', ')}; got '${env.PROVIDER}'`);
  const sandbox = text(env, 'SANDBOX_DIR', '.sandbox');
  const replicas: Partial<Record<Role, number>> = {};
  for (const role of ROLES) if (!unset(env, ENV_REPLICAS[role])) replicas[role] = wholeNumber(env, ENV_REPLICAS[role], 0, 1, 100);
  return {
    provider,
    sandboxDir: isAbsolute(sandbox) ? sandbox : resolve(PROJECT_ROOT, sandbox),
    ...(unset(env, 'LOCAL_PORT_BASE') ? {} : { portBase: wholeNumber(env, 'LOCAL_PORT_BASE', DEFAULT_PORT_BASE, 1024, 65535) }),
    ...(unset(env, 'NATS_SERVER_BIN') ? {} : { natsServerBin: env.NATS_SERVER_BIN! }),
    natsServerVersion: natsServerVersion(env),
    replicas,
    convergeTimeoutMs: wholeNumber(env, 'CONVERGE_TIMEOUT_SECONDS', 90) * 1000,
    ...(unset(env, 'WAN') ? {} : { wan: env.WAN! }),
    ...(unset(env, 'AUTH') ? {} : { auth: authMode(env) }),
    jsLimits: {
      maxMemoryBytes: wholeNumber(env, 'JS_MAX_MEMORY_MB', DEFAULT_JS_LIMITS.maxMemoryBytes / MIB) * MIB,
      maxFileBytes: wholeNumber(env, 'JS_MAX_FILE_MB', DEFAULT_JS_LIMITS.maxFileBytes / MIB) * MIB,
    },
    stretchedRoutes: stretchedRoutes(env),
    env,
  };
}

// --- services (stages 07 and 08) -----------------------------------------------------------------

export interface ServicesSettings {
  /** Instances of each math service per region (local provider). */
  instances: number;
  mysqlUrl?: string;
  /** Port of the private MariaDB/MySQL (local provider). */
  mysqlPort: number;
  discoveryTimeoutMs: number;
}

/** SERVICE_INSTANCES, MYSQL_URL, LOCAL_MYSQL_PORT (default: the port just below the port base). */
export function readServicesSettings(env: Env, portBase: number): ServicesSettings {
  return {
    instances: wholeNumber(env, 'SERVICE_INSTANCES', 1, 1, 20),
    ...(unset(env, 'MYSQL_URL') ? {} : { mysqlUrl: env.MYSQL_URL! }),
    mysqlPort: wholeNumber(env, 'LOCAL_MYSQL_PORT', portBase - 1, 1024, 65535),
    discoveryTimeoutMs: wholeNumber(env, 'SERVICES_TIMEOUT_SECONDS', 90, 1, 3600) * 1000,
  };
}

// --- Kubernetes (k3d and kube providers) ----------------------------------------------------------

/** The pinned chart versions; .env.example documents the same values (a test keeps them equal). */
export const CHART_VERSION_DEFAULTS = {
  CERT_MANAGER_CHART_VERSION: 'v1.17.4',
  TRUST_MANAGER_CHART_VERSION: 'v0.18.0',
  LINKERD_CHART_VERSION: '2026.8.3',
  KUBE_PROMETHEUS_STACK_CHART_VERSION: '88.5.3',
  HAPROXY_INGRESS_CHART_VERSION: '1.52.1',
  NATS_CHART_VERSION: '2.14.2',
} as const;

export type ChartVersionSetting = keyof typeof CHART_VERSION_DEFAULTS;

export const KUBE_DEFAULTS = {
  K3D_CONFIG: 'cluster/k3d-cluster.yaml',
  HELM_TIMEOUT: '10m',
  KUBE_WAIT_SECONDS: '600',
  NATS_STORAGE_CLASS: '',
} as const;

export interface KubeSettings {
  chartVersions: Record<ChartVersionSetting, string>;
  /** The nats-server the NATS releases run (NATS_SERVER_VERSION: the image tag). */
  natsServerVersion: string;
  /** Absolute path of the k3d cluster config file. */
  k3dConfig: string;
  /** helm --timeout for every release. */
  helmTimeout: string;
  /** How long to wait for certificates, LoadBalancer addresses and NATS pods. */
  waitSeconds: number;
  /** Storage class of the NATS JetStream volumes; empty: the cluster default. */
  natsStorageClass?: string;
  /** SERVICES_IMAGE: the services image a kube cluster pulls (k3d builds and imports its own). */
  servicesImage?: string;
  /** RECORDER_CLUSTER: where MySQL and the recorder run (default: the first name). */
  recorderCluster?: string;
}

const VERSION = /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/;
const DURATION = /^\d+(s|m|h)$/;
/** [registry/]repository[:tag][@digest], lower case repository: what a container image field takes. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Read only by the Kubernetes path, so a typo here does not stop a local run. */
export function readKubeSettings(env: Env): KubeSettings {
  const chartVersions = {} as Record<ChartVersionSetting, string>;
  for (const [name, fallback] of Object.entries(CHART_VERSION_DEFAULTS) as [ChartVersionSetting, string][]) {
    chartVersions[name] = matching(env, name, fallback, VERSION, `a chart version such as ${fallback}`);
  }
  const k3dConfig = text(env, 'K3D_CONFIG', KUBE_DEFAULTS.K3D_CONFIG);
  const storageClass = text(env, 'NATS_STORAGE_CLASS');
  const servicesImage = unset(env, 'SERVICES_IMAGE')
    ? ''
    : matching(env, 'SERVICES_IMAGE', '', IMAGE, 'an image reference such as registry.example.com/nats-sandbox-services:1.0');
  const recorderCluster = text(env, 'RECORDER_CLUSTER');
  return {
    chartVersions,
    natsServerVersion: natsServerVersion(env),
    k3dConfig: isAbsolute(k3dConfig) ? k3dConfig : resolve(PROJECT_ROOT, k3dConfig),
    helmTimeout: matching(env, 'HELM_TIMEOUT', KUBE_DEFAULTS.HELM_TIMEOUT, DURATION, 'a duration such as 10m or 600s'),
    waitSeconds: wholeNumber(env, 'KUBE_WAIT_SECONDS', Number(KUBE_DEFAULTS.KUBE_WAIT_SECONDS)),
    ...(storageClass ? { natsStorageClass: storageClass } : {}),
    ...(servicesImage ? { servicesImage } : {}),
    ...(recorderCluster ? { recorderCluster } : {}),
  };
}
