// Stage 08 on Kubernetes: the services image in every cluster, then per cluster the services
// namespace, the client certificates of its identities (issued there from the sandbox CA), MySQL's
// generated passwords (recorder cluster only), the math services (and MySQL and the recorder),
// their rollouts, and the requester Job, whose summary is printed.
import { plain } from '../../k8s/objects.js';
import type { ClusterPlan } from '../../k8s/plan.js';
import { mysqlSecret, SERVICES_NAMESPACE } from '../../k8s/services.js';
import { storeCa } from './certs.js';
import { sayEdgePartNotBuilt } from './edges.js';
import { ensureServicesImage, requireServicesImage } from './image.js';
import { applyJob, awaitJob } from './jobs.js';
import { applyCredsSecrets } from './jwt.js';
import { type MysqlPasswords, mysqlCredentials } from './mysql-credentials.js';
import { applyFile, applyObjects, waitFor } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';

/** The client certificates of the cluster's services, issued in their namespace from the same CA (renewed there). */
async function clientCertificates(k: KubeRun, p: ClusterPlan): Promise<void> {
  await storeCa(k, p, SERVICES_NAMESPACE);
  await applyFile(k, p.target, p.services.pki);
  const certificates = p.services.pki.objects.filter((o) => o.kind === 'Certificate').map((o) => `certificate/${o.metadata.name}`);
  await waitFor(k, p.target, certificates, SERVICES_NAMESPACE, 'condition=Ready');
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
  await clientCertificates(k, p);
  await applyCredsSecrets(k, t, SERVICES_NAMESPACE, p.services.identities);
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
  sayEdgePartNotBuilt(k, 'the math services at the edge');
  const plans = planOf(k);
  const mysql = mysqlCredentials(k);
  await ensureServicesImage(k);
  await eachCluster(plans, (p) => servicesIn(k, p, mysql));
}
