// The cluster names (and kube contexts) a sandbox made, so delete and status work without them.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeProvider } from '../../k8s/targets.js';
import type { AuthMode } from '../../nats/jwt-auth.js';
import type { EdgeName, Role } from '../../nats/topology.js';
import type { HostPorts } from './host-ports.js';

export interface KubeState {
  names: string[];
  contexts: Record<string, string>;
  /** Servers per role the clusters were made with; later commands keep them unless told otherwise. */
  replicas?: Record<Role, number>;
  /** k3d: the ports of this machine each cluster's ingress is mapped to (fixed at creation). */
  hostPorts?: Record<string, HostPorts>;
  /** Per cluster, the helm releases (namespace/release) the sandbox installed: delete removes only these. */
  installed?: Record<string, string[]>;
  /** Operator mode (--auth jwt), chosen when the sandbox is made and kept; absent: mTLS. */
  auth?: 'jwt';
  /** Edge sites stage 06 installed (e1@c1): status and delete find them without the names. */
  edges?: EdgeName[];
}

export function stateFile(sandboxDir: string, provider: KubeProvider): string {
  return join(sandboxDir, 'k8s', provider, 'clusters.json');
}

export function readState(sandboxDir: string, provider: KubeProvider): KubeState | undefined {
  const file = stateFile(sandboxDir, provider);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KubeState;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); delete it and pass the cluster names`);
  }
}

/** Remember these clusters (added to the ones already remembered) and the replicas. */
export function rememberClusters(
  sandboxDir: string,
  provider: KubeProvider,
  names: string[],
  contexts: Record<string, string>,
  replicas: Record<Role, number>,
  hostPorts: Record<string, HostPorts> = {},
): void {
  const old = readState(sandboxDir, provider) ?? { names: [], contexts: {} };
  const ports = { ...old.hostPorts, ...hostPorts };
  const state: KubeState = {
    names: [...new Set([...old.names, ...names])],
    contexts: { ...old.contexts, ...contexts },
    replicas,
    ...(Object.keys(ports).length ? { hostPorts: ports } : {}),
    ...(old.auth ? { auth: old.auth } : {}),
    ...(old.edges?.length ? { edges: old.edges } : {}),
  };
  const file = stateFile(sandboxDir, provider);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Remember that the sandbox installed `release` (namespace/release) in `cluster`. */
export function rememberInstalled(sandboxDir: string, provider: KubeProvider, cluster: string, release: string): void {
  const old = readState(sandboxDir, provider) ?? { names: [], contexts: {} };
  const mine = new Set(old.installed?.[cluster] ?? []);
  if (mine.has(release)) return;
  const state: KubeState = { ...old, installed: { ...old.installed, [cluster]: [...mine, release] } };
  const file = stateFile(sandboxDir, provider);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The auth mode of the sandbox's clusters; undefined: there are none yet (a new sandbox chooses). */
export function keptAuth(state: KubeState | undefined): AuthMode | undefined {
  return state?.names.length ? (state.auth ?? 'mtls') : undefined;
}

/**
 * Remember a new sandbox's auth mode before the first stage makes anything, so every later command
 * keeps it (a sandbox with clusters has its mode already: authModeOf checked the run against it).
 */
export function rememberAuth(sandboxDir: string, provider: KubeProvider, auth: AuthMode): void {
  const old = readState(sandboxDir, provider);
  if (old?.names.length || (old?.auth ?? 'mtls') === auth) return;
  const { auth: _previous, ...rest } = old ?? { names: [], contexts: {} };
  const file = stateFile(sandboxDir, provider);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...rest, ...(auth === 'jwt' ? { auth } : {}) }, null, 2)}\n`);
}

/** Remember the edge sites stage 06 installed (none: forget them). */
export function rememberEdges(sandboxDir: string, provider: KubeProvider, edges: readonly EdgeName[]): void {
  const { edges: _old, ...rest } = readState(sandboxDir, provider) ?? { names: [], contexts: {} };
  const state: KubeState = { ...rest, ...(edges.length ? { edges: [...edges] } : {}) };
  const file = stateFile(sandboxDir, provider);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Forget these clusters; the provider's folder goes with the last one. */
export function forgetClusters(sandboxDir: string, provider: KubeProvider, names: string[]): void {
  const old = readState(sandboxDir, provider);
  if (!old) return;
  const left = old.names.filter((n) => !names.includes(n));
  if (!left.length) {
    rmSync(dirname(stateFile(sandboxDir, provider)), { recursive: true, force: true });
    return;
  }
  const contexts = Object.fromEntries(Object.entries(old.contexts).filter(([n]) => left.includes(n)));
  const keep = <T>(r: Record<string, T> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([n]) => left.includes(n)));
  writeFileSync(
    stateFile(sandboxDir, provider),
    `${JSON.stringify(
      {
        ...old,
        names: left,
        contexts,
        hostPorts: keep(old.hostPorts),
        installed: keep(old.installed),
        // An edge site goes with its hub (its release ran in the hub's cluster).
        ...(old.edges ? { edges: old.edges.filter((e) => left.includes(e.hub)) } : {}),
      },
      null,
      2,
    )}\n`,
  );
}
