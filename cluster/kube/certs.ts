// Stage 02 on Kubernetes: cert-manager (with its CRDs) and trust-manager, in every cluster.
import { REPOS } from '../../k8s/charts.js';
import { eachCluster, planOf, type KubeContext } from './context.js';
import { addHelmRepos, helmUpgrade } from './ops.js';

export async function certsStage(k: KubeContext): Promise<void> {
  const plans = planOf(k);
  await addHelmRepos(k, [REPOS.jetstack]);
  await eachCluster(plans, async (p) => {
    await helmUpgrade(k, p.certs.certManager);
    // trust-manager's webhook certificate comes from cert-manager: after it.
    await helmUpgrade(k, p.certs.trustManager);
  });
}
