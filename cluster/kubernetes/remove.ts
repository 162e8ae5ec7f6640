// delete for kube: the releases and namespaces the stages made, in reverse order, and the two
// cluster-wide objects (linkerd's ClusterIssuer and trust Bundle). CRDs the charts installed stay:
// other workloads of a shared cluster may use them.

import { log } from '../../core/log.js';
import { LINKERD, NAMESPACES } from '../../k8s/names.js';
import { planReleases } from '../../k8s/plan.js';
import { helmUninstall } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';
import { forgetClusters } from './state.js';

export async function deleteKubeReleases(k: KubeRun): Promise<void> {
  await eachCluster(planOf(k), async (p) => {
    const t = p.target;
    for (const r of planReleases(p).reverse()) {
      if (r.release === 'trust-manager') {
        // Their kinds go with trust-manager and cert-manager: remove them first.
        await k.runner
          .run(
            [
              'kubectl',
              'delete',
              `bundles.trust.cert-manager.io/${LINKERD.trustBundle}`,
              `clusterissuers.cert-manager.io/${LINKERD.identityIssuer}`,
              '--ignore-not-found',
            ],
            { cluster: t.name, context: t.context },
          )
          .catch((e: Error) => log.warn(`${t.name}: ${e.message.split('\n')[0]} (continuing)`));
      }
      await helmUninstall(k, t, r.namespace, r.release);
    }
    await k.runner.run(['kubectl', 'delete', 'namespace', ...Object.values(NAMESPACES), '--ignore-not-found'], {
      cluster: t.name,
      context: t.context,
    });
  });
  log.info('left in place: the CustomResourceDefinitions the charts installed (kubectl get crd lists them)');
  if (!k.dryRun) forgetClusters(k.sandboxDir, 'kube', k.names);
}
