// Which kubectl context each cluster name is, per provider.

export type KubeProvider = 'k3d' | 'kube';

export interface KubeTarget {
  /** Cluster name (the datacenter). */
  name: string;
  /** kubectl context. */
  context: string;
}

export function k3dContext(name: string): string {
  return `k3d-${name}`;
}

/** k3d: k3d-<name>; kube: the --context given for the name, else the name itself. */
export function kubeTargets(provider: KubeProvider, names: readonly string[], contexts: Record<string, string> = {}): KubeTarget[] {
  return names.map((name) => ({ name, context: provider === 'k3d' ? k3dContext(name) : (contexts[name] ?? name) }));
}

/**
 * Stand-in for a kube cluster's ingress LoadBalancer address before install has discovered it
 * (render, dry-run). `.invalid` can never resolve (RFC 6761), so it cannot be mistaken for one.
 */
export function pendingIngressHost(name: string): string {
  return `${name}-ingress.invalid`;
}
