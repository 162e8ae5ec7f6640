// Stage 05 on Kubernetes: the haproxy ingress controller, a LoadBalancer with TCP 7222 (gateways)
// and 4222 (clients) next to HTTP; stage 06 adds the TCP routes behind those ports.
import { REPOS } from '../../k8s/charts.js';
import { addHelmRepos, applyFile, helmUpgrade } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';

export async function ingressStage(k: KubeRun): Promise<void> {
  const plans = planOf(k);
  await addHelmRepos(k, [REPOS.haproxytech]);
  await eachCluster(plans, async (p) => {
    await applyFile(k, p.target, p.ingress.namespace);
    await helmUpgrade(k, p.ingress.haproxy);
  });
}
