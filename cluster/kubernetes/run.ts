// What every Kubernetes stage works with, and how work for several clusters runs: in parallel,
// each cluster's failure reported with its name, all of them together.

import { join } from 'node:path';
import type { Runner } from '../../core/command.js';
import { CommandError } from '../../core/errors.js';
import type { JwtAuth } from '../../core/jwt-store.js';
import { loadCredentials } from '../../core/secrets.js';
import { type KubeSettings, readKubeSettings } from '../../core/settings.js';
import { type ClusterPlan, kubePlan, type PlanInput } from '../../k8s/plan.js';
import type { KubeProvider, KubeTarget } from '../../k8s/targets.js';
import type { AuthMode, JwtServerAuth } from '../../nats/jwt-auth.js';
import type { Credentials, JetStreamLimits, StretchedRoutes } from '../../nats/server-config.js';
import type { Topology } from '../../nats/topology.js';
import { authModeOf } from '../auth-mode.js';
import type { Invocation } from '../provider.js';
import { servicesImageOf } from './image-name.js';
import { keptAuth, readState } from './state.js';

/**
 * What differs between the two Kubernetes providers (flavor.ts has both); declared here, beside
 * the run it is part of, so that the stages flavor.ts names can import the run without a circle.
 */
export interface KubeFlavor {
  name: KubeProvider;
  /** The tools it runs (checked together before anything runs). */
  tools: readonly string[];
  /** Tools region down/up need. */
  regionTools: Record<'down' | 'up', readonly string[]>;
  /** Clusters others may use: install only what is missing, remove only what the sandbox installed. */
  sharedCluster: boolean;
  /** kubectl context of each name (`contexts`: --context pairs over the saved ones). */
  targets(names: readonly string[], contexts: Record<string, string>): KubeTarget[];
  /** Where the other clusters reach a cluster's ingress before install looks anything up. */
  ingressHost(cluster: string): string;
  /** Whether install finds the ingress addresses (LoadBalancers) itself. */
  findsIngressAddresses: boolean;
  /** Where `link-gen` says a cluster is reached, when its defaults would not reach it. */
  linkAddresses(cluster: string): { apiServer: string; gateway: string } | undefined;
  /** Stages 07 and 08 run an image the user pushed (SERVICES_IMAGE), not one built here. */
  pullsServicesImage: boolean;
  /** Stage 01. */
  clusters(k: KubeRun): Promise<void>;
  remove(k: KubeRun): Promise<void>;
  region?(k: KubeRun, action: 'down' | 'up'): Promise<void>;
  /** Where a NATS client on this machine reaches each cluster, if it can. */
  clientUrl?(sandboxDir: string): (cluster: string) => string;
}

export interface KubeRun {
  provider: KubeProvider;
  /** What this provider does differently (making clusters, contexts, ingress, image, removal). */
  flavor: KubeFlavor;
  names: string[];
  targets: KubeTarget[];
  runner: Runner;
  dryRun: boolean;
  settings: KubeSettings;
  topo: Topology;
  jsLimits: JetStreamLimits;
  stretchedRoutes: StretchedRoutes;
  sandboxDir: string;
  env: NodeJS.ProcessEnv;
  /** Where the stages write the values and manifests they apply (the render layout). */
  workDir: string;
  /** --auth, else the sandbox's choice (kept: cluster/auth-mode.ts), else mTLS. */
  auth: AuthMode;
  /** Operator mode: the keys and JWTs, loaded before a stage runs (cluster/kubernetes/jwt.ts). */
  jwt?: JwtAuth;
}

/**
 * Built once per stage from the invocation: its topology (names given, else the saved ones), the
 * kubectl context of every name (flags over the saved ones), the Kubernetes settings.
 */
export function kubeRun(inv: Invocation, flavor: KubeFlavor): KubeRun {
  const provider = flavor.name;
  const topo = inv.topology();
  const saved = readState(inv.settings.sandboxDir, provider);
  const targets = flavor.targets(topo.names, { ...saved?.contexts, ...inv.args.contexts });
  return {
    provider,
    flavor,
    names: [...topo.names],
    targets,
    runner: inv.runner,
    dryRun: inv.dryRun,
    settings: readKubeSettings(inv.settings.env),
    topo,
    jsLimits: inv.settings.jsLimits,
    stretchedRoutes: inv.settings.stretchedRoutes,
    sandboxDir: inv.settings.sandboxDir,
    env: inv.settings.env,
    workDir: join(inv.settings.sandboxDir, 'k8s', provider),
    auth: authModeOf(inv.args.auth, keptAuth(saved), inv.settings.auth),
  };
}

/** Credentials of the NATS servers: generated once into the sandbox, reused (not written in a dry run). */
export function credentialsOf(k: KubeRun): Credentials {
  return loadCredentials(k.sandboxDir, k.env, !k.dryRun);
}

/** Input of the plan; kube clusters' ingress addresses as found by stage 06, else placeholders. */
export function planInputOf(k: KubeRun, ingressHost?: (cluster: string) => string): PlanInput {
  const host = ingressHost ?? k.flavor.ingressHost;
  const jwt = jwtServerAuth(k);
  return {
    sharedCluster: k.flavor.sharedCluster,
    topo: k.topo,
    targets: k.targets,
    settings: k.settings,
    jsLimits: k.jsLimits,
    stretchedRoutes: k.stretchedRoutes,
    credentials: credentialsOf(k),
    ingressHost: host,
    servicesImage: servicesImageOf(k.flavor.pullsServicesImage, k.settings.servicesImage),
    ...(jwt ? { jwt } : {}),
  };
}

/** What the servers trust in operator mode (none with mTLS). */
function jwtServerAuth(k: KubeRun): JwtServerAuth | undefined {
  if (k.auth !== 'jwt') return undefined;
  if (!k.jwt) throw new Error('operator mode: the keys were not loaded before the plan was made (prepareKubeJwt)');
  return k.jwt.server;
}

const plans = new WeakMap<KubeRun, ClusterPlan[]>();

/**
 * The plan of every cluster, rendered once per run; with `ingressHost` (kube addresses found live)
 * it is rendered for those addresses.
 */
export function planOf(k: KubeRun, ingressHost?: (cluster: string) => string): ClusterPlan[] {
  if (ingressHost) return kubePlan(planInputOf(k, ingressHost));
  let plan = plans.get(k);
  if (!plan) {
    plan = kubePlan(planInputOf(k));
    plans.set(k, plan);
  }
  return plan;
}

type Named = { name: string } | { target: KubeTarget };
const nameOf = (item: Named) => ('name' in item ? item.name : item.target.name);

/**
 * Run `fn` for every cluster (a target or a cluster's plan) at once. Waits for all of them, then
 * reports every failure, each naming its cluster; one failing does not interrupt the others.
 */
export async function eachCluster<T extends Named, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = await Promise.allSettled(items.map((i) => fn(i)));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: nameOf(items[i]!), error: r.reason as Error }] : []));
  if (failures.length) {
    const text = failures
      .map((f) => (f.error.message.includes(f.name) ? f.error.message : `cluster ${f.name}: ${f.error.message}`))
      .join('\n\n');
    throw new CommandError(failures.length === 1 ? text : `${failures.length} clusters failed:\n\n${text}`);
  }
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}
