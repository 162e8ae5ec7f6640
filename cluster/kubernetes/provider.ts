// The k3d and kube providers: the same Kubernetes stages (cluster/kube), with k3d making its own
// clusters and kube checking the contexts it is given. Tools are checked, all together, before
// a stage runs anything.

import { UsageError } from '../../core/errors.js';
import type { KubeProvider } from '../../k8s/targets.js';
import { observation } from '../../nats/observation.js';
import type { Invocation, Provider, StageFn } from '../provider.js';
import { certsStage } from './certs.js';
import { hostClientUrl } from './host-ports.js';
import { requireServicesImage } from './image.js';
import { ingressStage } from './ingress.js';
import { jetstreamStage } from './jetstream.js';
import { deleteK3dClusters, k3dClustersStage, startClusters, stopClusters } from './k3d.js';
import { kubeContextsStage } from './kube-contexts.js';
import { linkerdStage } from './linkerd.js';
import { observabilityStage } from './observability.js';
import { observeKube } from './observe.js';
import { deleteKubeReleases } from './remove.js';
import { type KubeRun, kubeRun } from './run.js';
import { servicesStage } from './services.js';
import { readState } from './state.js';
import { superclusterStage } from './supercluster.js';
import { checkTools } from './tools.js';

/** The run narrowed to the named clusters (all when none are named): region and delete act on part of a sandbox. */
function selected(k: KubeRun, names: string[]): KubeRun {
  if (!names.length) return k;
  return { ...k, names: k.names.filter((n) => names.includes(n)), targets: k.targets.filter((t) => names.includes(t.name)) };
}

function kubernetesProvider(provider: KubeProvider): Provider {
  const stage =
    (fn: (k: KubeRun) => Promise<void>): StageFn =>
    async (ctx) => {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      await fn(kubeRun(ctx, provider));
    };
  return {
    name: provider,
    stages: {
      '01-clusters': stage(provider === 'k3d' ? k3dClustersStage : kubeContextsStage),
      '02-certs': stage(certsStage),
      '03-linkerd': stage(linkerdStage),
      '04-observability': stage(observabilityStage),
      '05-ingress': stage(ingressStage),
      '06-supercluster': stage(superclusterStage),
      '07-jetstream': stage(jetstreamStage),
      '08-services': stage(servicesStage),
    },
    skipped: {},
    async preflight(ctx: Invocation) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      requireServicesImage(kubeRun(ctx, provider));
    },
    saved: (settings) => {
      const state = readState(settings.sandboxDir, provider);
      return state?.names.length ? { names: state.names, replicas: state.replicas ?? {} } : undefined;
    },
    async region(inv: Invocation, action: 'down' | 'up') {
      if (provider === 'kube')
        throw new UsageError(
          'region down/up stops k3d clusters; with existing clusters (kube) scale the NATS StatefulSets of a context to 0 and back instead',
        );
      checkTools(provider, inv.settings.env, inv.dryRun, action === 'up' ? ['docker', 'k3d', 'kubectl'] : ['docker', 'k3d']);
      // The run's own names, contexts and replicas: nothing is turned back into arguments.
      const k = selected(kubeRun(inv, provider), inv.args.names);
      await (action === 'down' ? stopClusters(k) : startClusters(k));
    },
    ...(provider === 'k3d'
      ? {
          clientUrl(inv: Invocation) {
            const ports = readState(inv.settings.sandboxDir, provider)?.hostPorts ?? {};
            return (cluster: string) => {
              const p = ports[cluster];
              if (!p)
                throw new UsageError(
                  `no host port is known for k3d cluster ${cluster}: make it with npx zx scripts/01-clusters.mjs ${cluster}`,
                );
              return hostClientUrl(p);
            };
          },
        }
      : {}),
    async observe(inv: Invocation) {
      checkTools(provider, inv.settings.env, inv.dryRun);
      const k = kubeRun(inv, provider);
      return observation({ topology: k.topo, live: await observeKube(k) });
    },
    async delete(inv: Invocation) {
      checkTools(provider, inv.settings.env, inv.dryRun);
      const k = selected(kubeRun(inv, provider), inv.args.names);
      await (provider === 'k3d' ? deleteK3dClusters(k) : deleteKubeReleases(k));
    },
  };
}

export const k3dProvider = kubernetesProvider('k3d');
export const kubeProvider = kubernetesProvider('kube');
