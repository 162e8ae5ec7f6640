// Stage 07 on Kubernetes: the JetStream spec applied from inside the first cluster by a Job of the
// services image with the admin's client certificate (no port into the cluster is needed). Each
// run is a new Job (jetstream-apply-<run>); the apply itself is idempotent, so a re-run reports
// every item unchanged.

import { log } from '../../core/log.js';
import { jetstreamTimeoutSeconds, jobForRun } from '../../k8s/jetstream-job.js';
import { NAMESPACES } from '../../k8s/names.js';
import { sayEdgePartNotBuilt } from './edges.js';
import { ensureServicesImage, requireServicesImage } from './image.js';
import { applyJob, awaitJob } from './jobs.js';
import { type KubeRun, planOf } from './run.js';

export async function jetstreamStage(k: KubeRun): Promise<void> {
  requireServicesImage(k);
  sayEdgePartNotBuilt(k, 'the store-and-forward streams (edge-<name> in each edge domain, edges sourcing them)');
  const plan = planOf(k).find((p) => p.jetstream)!;
  await ensureServicesImage(k);
  const t = plan.target;
  // The plan's Job as render.mjs writes it, named for this run.
  const planned = plan.jetstream!.job;
  const job = jobForRun(planned.objects[0]!, Date.now().toString(36));
  log.cluster(t.name, `applying the JetStream spec from inside the cluster: job ${NAMESPACES.nats}/${job.metadata.name}`);
  await applyJob(k, t, { file: planned.file, objects: [job] });
  // The Job waits this long for JetStream, then as long again for items that failed outright.
  await awaitJob(k, t, NAMESPACES.nats, job.metadata.name, 2 * jetstreamTimeoutSeconds(k.settings.waitSeconds) + 60);
}
