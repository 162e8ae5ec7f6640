// Stage 08 on Kubernetes: the services image in every cluster, then per cluster the services
// namespace, the client certificates of its identities (copied from the nats namespace), MySQL's
// generated passwords (recorder cluster only), the math services (and MySQL and the recorder),
// their rollouts, and the requester Job, whose summary is printed.
import { NAMESPACES } from '../../k8s/names.js';
import { plain } from '../../k8s/objects.js';
import type { ClusterPlan } from '../../k8s/plan.js';
import { clientSecretCopy, clientSecretName, mysqlSecret, SERVICES_NAMESPACE } from '../../k8s/services.js';
import { ensureServicesImage, requireServicesImage } from './image.js';
import { applyJob, awaitJob } from './jobs.js';
import { type MysqlPasswords, mysqlCredentials } from './mysql-credentials.js';
import { applyFile, applyObjects } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';

/** The client certificates of the cluster's services, read from nats (never logged) and applied through stdin. */
async function copyClientSecrets(k: KubeRun, p: ClusterPlan): Promise<void> {
  const t = p.target;
  const copies = [];
  // One after the other: a handful of reads, in an order the log and the tests can follow.
  for (const id of p.services.identities) {
    const out = await k.runner.run(['kubectl', 'get', 'secret', clientSecretName(id), '--namespace', NAMESPACES.nats, '-o', 'json'], {
      cluster: t.name,
      context: t.context,
      read: true,
      silent: true,
      assume: '{}',
      fix: 'run stage 02-certs for this cluster first',
    });
    copies.push(
      k.dryRun
        ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: clientSecretName(id), namespace: SERVICES_NAMESPACE } }
        : plain(clientSecretCopy(JSON.parse(out.stdout) as { data?: Record<string, string> }, id)),
    );
  }
  await applyObjects(k, t, copies);
}

async function rollouts(k: KubeRun, p: ClusterPlan): Promise<void> {
  const t = p.target;
  for (const o of p.services.workloads.objects.filter((x) => x.kind === 'StatefulSet' || x.kind === 'Deployment')) {
    await k.runner.run(
      [
        'kubectl',
        'rollout',
        'status',
        `${o.kind.toLowerCase()}/${o.metadata.name}`,
        '--namespace',
        SERVICES_NAMESPACE,
        `--timeout=${k.settings.waitSeconds}s`,
      ],
      {
        cluster: t.name,
        context: t.context,
        fix: `see why with: kubectl --context ${t.context} -n ${SERVICES_NAMESPACE} get pods; kubectl --context ${t.context} -n ${SERVICES_NAMESPACE} describe ${o.kind.toLowerCase()} ${o.metadata.name}`,
      },
    );
  }
}

async function servicesIn(k: KubeRun, p: ClusterPlan, mysql: MysqlPasswords): Promise<void> {
  const t = p.target;
  await applyFile(k, t, p.services.namespace);
  await copyClientSecrets(k, p);
  if (p.services.recorder) await applyObjects(k, t, [plain(mysqlSecret(mysql, t.name))]);
  await applyFile(k, t, p.services.workloads);
  await rollouts(k, p);
  // Once its region's services answer: the requester's summary shows where answers came from.
  const job = p.services.requester.objects[0]!;
  await applyJob(k, t, p.services.requester);
  await awaitJob(k, t, SERVICES_NAMESPACE, job.metadata.name, k.settings.waitSeconds);
}

export async function servicesStage(k: KubeRun): Promise<void> {
  requireServicesImage(k);
  const plans = planOf(k);
  const mysql = mysqlCredentials(k);
  await ensureServicesImage(k);
  await eachCluster(plans, (p) => servicesIn(k, p, mysql));
}
