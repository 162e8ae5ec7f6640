// The kubectl context of a cluster name (the flavors choose: cluster/kubernetes/flavor.ts), and the
// stand-in for an ingress address not known yet.

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

/**
 * Stand-in for a kube cluster's ingress LoadBalancer address before install has discovered it
 * (render, dry-run). `.invalid` can never resolve (RFC 6761), so it cannot be mistaken for one.
 */
export function pendingIngressHost(name: string): string {
  return `${name}-ingress.invalid`;
}
