// delete for kube: only what the sandbox installed, in reverse order (the helm releases it recorded
// when it installed them, its cluster-wide objects, its own namespaces), and a line on what it left:
// cert-manager or trust-manager someone else installed, and the CRDs the charts brought (other
// workloads of a shared cluster may use them).

import { log } from '../../core/log.js';
import { LINKERD, NAMESPACES } from '../../k8s/names.js';
import { planReleases } from '../../k8s/plan.js';
import { helmUninstall } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';
import { certManagerNamespace, installedReleases } from './shared.js';
import { forgetClusters } from './state.js';

export async function deleteKubeReleases(k: KubeRun): Promise<void> {
  const left = new Set<string>();
  await eachCluster(planOf(k), async (p) => {
    const t = p.target;
    const mine = installedReleases(k, t.name);
    const releases = planReleases(p).reverse();
    // Ours whoever's cert-manager and trust-manager they live in; their kinds go with those: first.
    const warn = (e: Error) => log.warn(`${t.name}: ${e.message.split('\n')[0]} (continuing)`);
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
      .catch(warn);
    const anchorNamespace = await certManagerNamespace(k, t);
    await k.runner
      .run(['kubectl', 'delete', 'secret', LINKERD.trustAnchor, '--namespace', anchorNamespace, '--ignore-not-found'], {
        cluster: t.name,
        context: t.context,
      })
      .catch(warn);
    for (const r of releases) {
      const id = `${r.namespace}/${r.release}`;
      if (!mine.has(id) && !k.dryRun) {
        left.add(`${t.name}: ${id}`);
        continue;
      }
      await helmUninstall(k, t, r.namespace, r.release);
    }
    // A namespace goes only if nothing the sandbox did not install lives in it.
    const kept = new Set(releases.filter((r) => !mine.has(`${r.namespace}/${r.release}`) && !k.dryRun).map((r) => r.namespace));
    const namespaces = Object.values(NAMESPACES).filter((n) => !kept.has(n));
    await k.runner.run(['kubectl', 'delete', 'namespace', ...namespaces, '--ignore-not-found'], { cluster: t.name, context: t.context });
  });
  if (left.size) log.info(`left in place, not installed by the sandbox: ${[...left].join('; ')}`);
  log.info('left in place: the CustomResourceDefinitions the charts installed (kubectl get crd lists them)');
  if (!k.dryRun) forgetClusters(k.sandboxDir, 'kube', k.names);
}
