// The k3d and kube providers: the same Kubernetes stages (cluster/kube), with k3d making its own
// clusters and kube checking the contexts it is given. Tools are checked, all together, before
// a stage runs anything.
import type { KubeProvider } from '../k8s/targets.js';
import { UsageError } from '../scripts/lib/args.js';
import type { ProviderImpl, StageContext, StageFn, StatusOptions } from '../scripts/lib/stages.js';
import { reportStatus } from '../scripts/lib/status.js';
import { deleteK3dClusters, k3dClustersStage } from './k3d/clusters.js';
import { certsStage } from './kube/certs.js';
import { kubeContext, type KubeContext } from './kube/context.js';
import { kubeContextsStage } from './kube/contexts.js';
import { ingressStage } from './kube/ingress.js';
import { jetstreamStage } from './kube/jetstream.js';
import { linkerdStage } from './kube/linkerd.js';
import { observabilityStage } from './kube/observability.js';
import { observeKube } from './kube/observe.js';
import { deleteKubeReleases } from './kube/remove.js';
import { servicesStage } from './kube/services.js';
import { readState } from './kube/state.js';
import { superclusterStage } from './kube/supercluster.js';
import { checkTools } from './kube/tools.js';
import { requireServicesImage } from './kube/image.js';

/** The command's names, else the ones this sandbox made (status and delete take none). */
function withNames(ctx: StageContext, provider: KubeProvider): KubeContext {
  if (ctx.names.length) return kubeContext(ctx, provider);
  const state = readState(ctx.settings.sandboxDir, provider);
  if (!state?.names.length) throw new UsageError(`no cluster names given and none made by this sandbox with the ${provider} provider; e.g. c1 c2 c3`);
  return kubeContext(ctx, provider, state.names, { ...state.contexts, ...ctx.args.contexts });
}

function kubernetesProvider(provider: KubeProvider): ProviderImpl {
  const stage = (fn: (k: KubeContext) => Promise<void>): StageFn => async (ctx) => {
    checkTools(provider, ctx.settings.env, ctx.dryRun);
    await fn(kubeContext(ctx, provider));
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
    async preflight(ctx: StageContext) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      requireServicesImage(kubeContext(ctx, provider));
    },
    async region(ctx: StageContext, action: 'down' | 'up') {
      if (provider === 'kube') throw new UsageError('region down/up stops k3d clusters; with existing clusters (kube) scale the NATS StatefulSets of a context to 0 and back instead');
      const { lifecycle } = await import('./k3d/lifecycle.js');
      const code = await lifecycle(action === 'down' ? 'stop' : 'start', [...ctx.names, ...(ctx.dryRun ? ['--dry-run'] : [])]);
      if (code !== 0) throw new UsageError(`k3d cluster ${action === 'down' ? 'stop' : 'start'} failed (see above)`);
    },
    async status(ctx: StageContext, opts: StatusOptions) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      const k = withNames(ctx, provider);
      return reportStatus(k.topo, () => observeKube(k), opts.json);
    },
    async delete(ctx: StageContext) {
      checkTools(provider, ctx.settings.env, ctx.dryRun);
      const k = withNames(ctx, provider);
      await (provider === 'k3d' ? deleteK3dClusters(k) : deleteKubeReleases(k));
    },
  };
}

export const k3dProvider = kubernetesProvider('k3d');
export const kubeProvider = kubernetesProvider('kube');
