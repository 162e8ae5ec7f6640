// Stage 04 on Kubernetes: kube-prometheus-stack (Grafana with a generated admin password and the
// NATS dashboards), linkerd-viz on the stack's Prometheus, and linkerd's pod monitors.
import { randomBytes } from 'node:crypto';
import { log } from '../../core/log.js';
import { REPOS } from '../../k8s/charts.js';
import { grafanaAdminSecret } from '../../k8s/monitoring.js';
import { GRAFANA_ADMIN_SECRET, GRAFANA_SERVICE, grafanaHost, NAMESPACES } from '../../k8s/names.js';
import { addHelmRepos, applyFile, applyObjects, exists, helmUpgrade } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';

export async function observabilityStage(k: KubeRun): Promise<void> {
  const plans = planOf(k);
  await addHelmRepos(k, [REPOS.prometheusCommunity, REPOS.linkerdEdge]);
  await eachCluster(plans, async (p) => {
    const t = p.target;
    await applyFile(k, t, p.observability.namespace);
    if (!(await exists(k, t, 'secret', NAMESPACES.prometheus, GRAFANA_ADMIN_SECRET, false))) {
      await applyObjects(k, t, [grafanaAdminSecret(randomBytes(18).toString('base64url'))]);
    }
    await helmUpgrade(k, p.observability.stack);
    await applyFile(k, t, p.observability.dashboards);
    await helmUpgrade(k, p.observability.viz);
    await applyFile(k, t, p.observability.monitors);
  });
  for (const p of plans) {
    const c = p.target.context;
    log.cluster(
      p.target.name,
      `Grafana: http://${grafanaHost(p.target.name)} through the haproxy ingress (k3d: at the HTTP port stage 01 printed, with ${grafanaHost(p.target.name)} in /etc/hosts), or kubectl --context ${c} -n ${NAMESPACES.prometheus} port-forward svc/${GRAFANA_SERVICE} 3000:80 and http://localhost:3000, as admin`,
    );
    log.cluster(
      p.target.name,
      `  password: kubectl --context ${c} -n ${NAMESPACES.prometheus} get secret ${GRAFANA_ADMIN_SECRET} -o jsonpath='{.data.admin-password}' | base64 -d`,
    );
  }
}
