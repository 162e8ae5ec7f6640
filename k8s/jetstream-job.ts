// Stage 07 on Kubernetes: the JetStream spec is applied from inside a cluster, by a Job of the
// services image (its bundle's jetstream-apply) with the admin's client certificate. It runs in
// the nats namespace, where stage 02 issued that certificate, without a linkerd proxy (a meshed
// Job would never complete). Pure.
import { Job } from 'kubernetes-models/batch/v1';
import { ROLES, type Role } from '../nats/topology.js';
import { credsSecretName } from './jwt-auth.js';
import { NAMESPACES } from './names.js';
import { type K8sObject, plain } from './objects.js';
import { clientContainer, clientSecretName } from './services.js';

export const JETSTREAM_JOB = 'jetstream-apply';

export interface JetStreamJobInput {
  /** Cluster the Job runs in (its seed servers are the ones it connects to). */
  cluster: string;
  names: readonly string[];
  replicas: Record<Role, number>;
  image: string;
  /** Each stage 07 run is a Job of its own (a finished Job cannot run again): jetstream-apply-<run>. */
  run?: string;
  /** How long the Job waits for JetStream and retries items that failed outright. */
  timeoutSeconds?: number;
  /** Operator mode: the admin's creds file too (k8s/jwt-auth.ts). */
  jwt?: boolean;
}

/** How long the Job waits for JetStream: the stages' wait, at most five minutes. */
export function jetstreamTimeoutSeconds(waitSeconds: number): number {
  return Math.min(waitSeconds, 300);
}

/** The plan's Job for one stage 07 run: a finished Job cannot run again, so each run is named anew. */
export function jobForRun(job: K8sObject, run: string): K8sObject {
  return { ...job, metadata: { ...job.metadata, name: `${job.metadata.name}-${run}` } };
}

/** The services bundle's arguments that give the Job the topology the spec is made from. */
export function jetstreamJobArgs(names: readonly string[], replicas: Record<Role, number>): string[] {
  return ['jetstream-apply', '--names', names.join(','), '--replicas', ROLES.map((r) => `${r}=${replicas[r]}`).join(',')];
}

export function jetstreamApplyJob(input: JetStreamJobInput): K8sObject {
  const timeout = input.timeoutSeconds ?? 120;
  const { container, volumes } = clientContainer(
    {
      image: input.image,
      auth: {
        kind: 'tls',
        secrets: { admin: clientSecretName('admin') },
        ...(input.jwt ? { creds: { admin: credsSecretName('admin') } } : {}),
      },
    },
    input.cluster,
    'admin',
    JETSTREAM_JOB,
    jetstreamJobArgs(input.names, input.replicas),
    [{ name: 'JETSTREAM_TIMEOUT_SECONDS', value: String(timeout) }],
  );
  const labels = {
    'app.kubernetes.io/name': JETSTREAM_JOB,
    'app.kubernetes.io/part-of': 'nats-sandbox',
    'nats-sandbox/region': input.cluster,
  };
  return plain(
    new Job({
      metadata: { name: input.run ? `${JETSTREAM_JOB}-${input.run}` : JETSTREAM_JOB, namespace: NAMESPACES.nats, labels },
      spec: {
        // The apply retries inside; a second pod would only repeat a refusal.
        backoffLimit: 0,
        // It waits up to `timeout` for JetStream, then up to `timeout` again for items that failed.
        activeDeadlineSeconds: 2 * timeout + 60,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels, annotations: { 'linkerd.io/inject': 'disabled' } },
          spec: { restartPolicy: 'Never', containers: [container], volumes },
        },
      },
    }),
  );
}
