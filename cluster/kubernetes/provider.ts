// The k3d and kube providers: the same Kubernetes stages (cluster/kube), with k3d making its own
// clusters and kube checking the contexts it is given. Tools are checked, all together, before
// a stage runs anything.

import { UsageError } from '../../core/errors.js';
import type { KubeProvider } from '../../k8s/targets.js';
import type { ProviderImpl, Invocation, StageFn, StatusOptions } from '../provider.js';
import { reportStatus } from '../status-report.js';
import { certsStage } from './certs.js';
import { requireServicesImage } from './image.js';
import { ingressStage } from './ingress.js';
import { jetstreamStage } from './jetstream.js';
import { deleteK3dClusters, k3dClustersStage } from './k3d.js';
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

/** The command's names, else the ones this sandbox made (status and delete take none). */
function withNames(ctx: Invocation, provider: KubeProvider): KubeRun {
  if (ctx.names.length) return kubeRun(ctx, provider);
  const state = readState(ctx.settings.sandboxDir, provider);
  if (!state?.names.length)
    throw new UsageError(`no cluster names given and none made by this sandbox with the ${provider} provider; e.g. c1 c2 c3`);
  return kubeRun(ctx, provider, state.names, { ...state.contexts, ...ctx.args.contexts });
}

function kubernetesProvider(provider: KubeProvider): ProviderImpl {
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
    async region(ctx: Invocation, action: 'down' | 'up') {
      if (provider === 'kube')
        throw new UsageError(
          'region down/up stops k3d clusters; with existing clusters (kube) scale the NATS StatefulSets of a context to 0 and back instead',
        );
      const { lifecycle } = await import('../../scripts/lib/commands/k3d-lifecycle.js');
      const code = await lifecycle(action === 'down' ? 'stop' : 'start', [...ctx.names, ...(ctx.dryRun ? ['--dry-run'] : [])]);
      if (code !== 0) throw new UsageError(`k3d cluster ${action === 'down' ? 'stop' : 'start'} failed (see above)`);
    },
    async status(ctx: Invocation, opts: StatusOptions) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      const k = withNames(ctx, provider);
      return reportStatus(k.topo, () => observeKube(k), opts.json);
    },
    async delete(ctx: Invocation) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      const k = withNames(ctx, provider);
      await (provider === 'k3d' ? deleteK3dClusters(k) : deleteKubeReleases(k));
    },
  };
}

export const k3dProvider = kubernetesProvider('k3d');
export const kubeProvider = kubernetesProvider('kube');
