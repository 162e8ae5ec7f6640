// What differs between the two Kubernetes providers, in one place: k3d makes its own clusters on
// this machine (contexts k3d-<name>, node names for the ingress and the links, an image it builds
// and imports, host ports, region loss by stopping a cluster); kube works in existing contexts of
// clusters others may share (LoadBalancer addresses found at install, SERVICES_IMAGE, only what is
// missing installed, only what it installed removed). Everything else is the one Kubernetes path.

import { UsageError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import type { ProviderName } from '../../core/input.js';
import { type KubeProvider, k3dContext, pendingIngressHost } from '../../k8s/targets.js';
import { k3dIngressHost } from '../../nats/addressing.js';
import { hostClientUrl } from './host-ports.js';
import { deleteK3dClusters, k3dClustersStage, startClusters, stopClusters } from './k3d.js';
import { kubeContextsStage } from './kube-contexts.js';
import { deleteKubeReleases } from './remove.js';
import type { KubeFlavor } from './run.js';
import { readState } from './state.js';

export const K3D_FLAVOR: KubeFlavor = {
  name: 'k3d',
  tools: ['docker', 'k3d', 'kubectl', 'helm', 'linkerd', 'openssl'],
  regionTools: { down: ['docker', 'k3d'], up: ['docker', 'k3d', 'kubectl'] },
  sharedCluster: false,
  targets: (names) => names.map((name) => ({ name, context: k3dContext(name) })),
  ingressHost: k3dIngressHost,
  findsIngressAddresses: false,
  linkAddresses: (cluster) => ({ apiServer: `https://k3d-${cluster}-server-0:6443`, gateway: `k3d-${cluster}-server-0` }),
  pullsServicesImage: false,
  clusters: k3dClustersStage,
  remove: deleteK3dClusters,
  region: (k, action) => (action === 'down' ? stopClusters(k) : startClusters(k)),
  clientUrl(sandboxDir) {
    const ports = readState(sandboxDir, 'k3d')?.hostPorts ?? {};
    return (cluster) => {
      const p = ports[cluster];
      if (!p)
        throw new UsageError(`no host port is known for k3d cluster ${cluster}: make it with ${commandHint('01-clusters', [cluster])}`);
      return hostClientUrl(p);
    };
  },
};

export const KUBE_FLAVOR: KubeFlavor = {
  name: 'kube',
  // openssl makes the sandbox CA and the linkerd trust anchor on this machine.
  tools: ['kubectl', 'helm', 'linkerd', 'openssl'],
  regionTools: { down: [], up: [] },
  sharedCluster: true,
  targets: (names, contexts) => names.map((name) => ({ name, context: contexts[name] ?? name })),
  ingressHost: pendingIngressHost,
  findsIngressAddresses: true,
  linkAddresses: () => undefined,
  pullsServicesImage: true,
  clusters: kubeContextsStage,
  remove: deleteKubeReleases,
};

export const FLAVORS: Record<KubeProvider, KubeFlavor> = { k3d: K3D_FLAVOR, kube: KUBE_FLAVOR };

/** The flavor whose objects render writes: kube when asked, else k3d (auto included); local has none. */
export function renderedFlavor(chosen: ProviderName): KubeFlavor {
  if (chosen === 'local')
    throw new UsageError('render writes what the k3d and kube providers apply; pass --provider k3d or --provider kube');
  return FLAVORS[chosen === 'kube' ? 'kube' : 'k3d'];
}
