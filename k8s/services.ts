// Kubernetes objects of stage 08: the math services in every cluster, the recorder and its MySQL
// (official image, generated password in a Secret) in one cluster, and the requester Job. Pure:
// passwords come in, objects go out; the stage wiring generates and applies them.
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import {
  type IContainer,
  type IEnvFromSource,
  type IEnvVar,
  type IVolume,
  type IVolumeMount,
  Namespace,
  Secret,
  Service,
} from 'kubernetes-models/v1';
import type { Identity } from '../nats/accounts.js';
import { releaseName } from '../nats/topology.js';
import { SERVICES_IMAGE_COMMAND } from '../services/build.js';
import { SERVICE_NAMES } from '../services/math/operations.js';
import { credsConnection } from './jwt-auth.js';
import { NAMESPACES, natsFullname } from './names.js';

export const SERVICES_NAMESPACE = NAMESPACES.services;
export const MYSQL_NAME = 'mysql';
export const MYSQL_SECRET = 'mysql-credentials';
export const DEFAULT_SERVICES_IMAGE = 'nats-sandbox-services:dev';
export const DEFAULT_MYSQL_IMAGE = 'mysql:8.4';
const TLS_MOUNT = '/etc/nats-client';

export type ClientAuth =
  | { kind: 'password'; passwords: Record<'math' | 'requester' | 'recorder', string> }
  /**
   * Secrets (cert-manager layout: ca.crt, tls.crt, tls.key) per identity, for mTLS with
   * verify_and_map; in operator mode `creds` too: the Secret of each identity's creds file.
   */
  | { kind: 'tls'; secrets: Partial<Record<Identity, string>>; creds?: Partial<Record<Identity, string>> };

/** The client certificates of the identities stage 08 runs, as stage 02 issued them (Secret names). */
export const SERVICE_IDENTITIES = ['math', 'requester', 'recorder'] as const;

export interface ServicesManifestInput {
  names: string[];
  /** Cluster that runs MySQL and the recorder (RECORDER_CLUSTER, default the first name). */
  recorderCluster?: string;
  image?: string;
  mysqlImage?: string;
  /** Instances of each math service per cluster. */
  replicas?: number;
  auth: ClientAuth;
  mysql: { password: string; rootPassword: string };
  requester?: { count: number; concurrency: number };
  /** The regional seed servers' client service of a cluster (default: the chart's service in the nats namespace). */
  natsUrl?: (cluster: string) => string;
}

export function defaultNatsUrl(cluster: string): string {
  return `nats://${natsFullname(releaseName(cluster, 'seed'))}.${NAMESPACES.nats}.svc:4222`;
}

function labels(component: string, cluster: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': 'nats-sandbox', 'nats-sandbox/region': cluster };
}

export function clientSecretName(identity: Identity): string {
  return `nats-client-${identity}`;
}

/** What a client container is made from (the services' input, or a Job's own). */
export type ClientInput = Pick<ServicesManifestInput, 'image' | 'auth' | 'natsUrl'>;

/** How a container of `identity` connects: env and, for mTLS, the mounted certificate directory. */
function connection(input: ClientInput, cluster: string, identity: Identity) {
  const env: IEnvVar[] = [
    { name: 'NATS_URL', value: (input.natsUrl ?? defaultNatsUrl)(cluster) },
    { name: 'REGION', value: cluster },
    { name: 'INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ];
  if (input.auth.kind === 'password') {
    const envFrom: IEnvFromSource[] = [{ secretRef: { name: clientSecretName(identity) } }];
    return { env, envFrom, volumes: [] as IVolume[], mounts: [] as IVolumeMount[] };
  }
  const secretName = input.auth.secrets[identity];
  if (!secretName) throw new Error(`no client certificate Secret for ${identity}`);
  env.push({ name: 'NATS_TLS_DIR', value: TLS_MOUNT });
  const creds = input.auth.creds ? operatorModeCreds(input.auth.creds, identity) : { env: [], volumes: [], mounts: [] };
  return {
    env: [...env, ...creds.env],
    envFrom: [] as IEnvFromSource[],
    volumes: [{ name: 'nats-client-tls', secret: { secretName } }, ...creds.volumes] as IVolume[],
    mounts: [{ name: 'nats-client-tls', mountPath: TLS_MOUNT, readOnly: true }, ...creds.mounts] as IVolumeMount[],
  };
}

/** Operator mode: the identity's creds file beside its certificate (which still brings the CA the servers are checked with). */
function operatorModeCreds(creds: Partial<Record<Identity, string>>, identity: Identity) {
  const secretName = creds[identity];
  if (!secretName) throw new Error(`no creds Secret for ${identity}`);
  return credsConnection(secretName);
}

/** A container of the services image (its bundle of services/main.ts, given `args`) connecting to `cluster`'s NATS as `identity`. */
export function clientContainer(
  input: ClientInput,
  cluster: string,
  identity: Identity,
  name: string,
  args: string[],
  extraEnv: IEnvVar[] = [],
): { container: IContainer; volumes: IVolume[] } {
  const c = connection(input, cluster, identity);
  return {
    container: {
      name,
      image: input.image ?? DEFAULT_SERVICES_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: [...SERVICES_IMAGE_COMMAND],
      args,
      env: [...c.env, ...extraEnv],
      ...(c.envFrom.length ? { envFrom: c.envFrom } : {}),
      ...(c.mounts.length ? { volumeMounts: c.mounts } : {}),
      resources: { requests: { cpu: '20m', memory: '96Mi' }, limits: { memory: '256Mi' } },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false },
    },
    volumes: c.volumes,
  };
}

function mathDeployment(input: ServicesManifestInput, cluster: string, service: string): Deployment {
  const l = labels(service, cluster);
  const { container: c, volumes } = clientContainer(input, cluster, 'math', service, [service]);
  return new Deployment({
    metadata: { name: service, namespace: SERVICES_NAMESPACE, labels: l },
    spec: {
      replicas: input.replicas ?? 3,
      selector: { matchLabels: l },
      template: { metadata: { labels: l }, spec: { containers: [c], ...(volumes.length ? { volumes } : {}) } },
    },
  });
}

function requesterJob(input: ServicesManifestInput, cluster: string): Job {
  const l = labels('requester', cluster);
  const r = input.requester ?? { count: 100, concurrency: 8 };
  const { container: c, volumes } = clientContainer(input, cluster, 'requester', 'requester', [
    'requester',
    '--from',
    cluster,
    '--count',
    String(r.count),
    '--concurrency',
    String(r.concurrency),
    '--json',
  ]);
  return new Job({
    metadata: { name: 'requester', namespace: SERVICES_NAMESPACE, labels: l },
    spec: {
      backoffLimit: 2,
      ttlSecondsAfterFinished: 3600,
      template: { metadata: { labels: l }, spec: { restartPolicy: 'Never', containers: [c], ...(volumes.length ? { volumes } : {}) } },
    },
  });
}

/** MySQL's passwords and the recorder's URL: made at install time from generated passwords, never rendered to a file. */
export function mysqlSecret(mysql: ServicesManifestInput['mysql'], cluster: string): Secret {
  const url = `mysql://answers:${encodeURIComponent(mysql.password)}@${MYSQL_NAME}-0.${MYSQL_NAME}.${SERVICES_NAMESPACE}.svc:3306/answers`;
  return new Secret({
    metadata: { name: MYSQL_SECRET, namespace: SERVICES_NAMESPACE, labels: labels(MYSQL_NAME, cluster) },
    type: 'Opaque',
    stringData: {
      MYSQL_ROOT_PASSWORD: mysql.rootPassword,
      MYSQL_DATABASE: 'answers',
      MYSQL_USER: 'answers',
      MYSQL_PASSWORD: mysql.password,
      MYSQL_URL: url,
    },
  });
}

function mysqlObjects(input: ServicesManifestInput, cluster: string) {
  const l = labels(MYSQL_NAME, cluster);
  const secret = mysqlSecret(input.mysql, cluster);
  const service = new Service({
    metadata: { name: MYSQL_NAME, namespace: SERVICES_NAMESPACE, labels: l },
    spec: { clusterIP: 'None', selector: l, ports: [{ name: 'mysql', port: 3306, targetPort: 3306 }] },
  });
  const keyRef = (key: string): IEnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: MYSQL_SECRET, key } } });
  const statefulSet = new StatefulSet({
    metadata: { name: MYSQL_NAME, namespace: SERVICES_NAMESPACE, labels: l },
    spec: {
      serviceName: MYSQL_NAME,
      replicas: 1,
      selector: { matchLabels: l },
      template: {
        metadata: { labels: l },
        spec: {
          containers: [
            {
              name: MYSQL_NAME,
              image: input.mysqlImage ?? DEFAULT_MYSQL_IMAGE,
              env: ['MYSQL_ROOT_PASSWORD', 'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD'].map(keyRef),
              ports: [{ name: 'mysql', containerPort: 3306 }],
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }],
              readinessProbe: {
                exec: { command: ['sh', '-c', 'mysqladmin ping -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD"'] },
                periodSeconds: 5,
                timeoutSeconds: 3,
              },
              resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } },
            },
          ],
        },
      },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  });
  const { container: c, volumes } = clientContainer(
    input,
    cluster,
    'recorder',
    'recorder',
    ['recorder'],
    [{ name: 'MYSQL_URL', valueFrom: { secretKeyRef: { name: MYSQL_SECRET, key: 'MYSQL_URL' } } }],
  );
  const rl = labels('recorder', cluster);
  const recorder = new Deployment({
    metadata: { name: 'recorder', namespace: SERVICES_NAMESPACE, labels: rl },
    spec: {
      replicas: 1,
      selector: { matchLabels: rl },
      template: { metadata: { labels: rl }, spec: { containers: [c], ...(volumes.length ? { volumes } : {}) } },
    },
  });
  return [secret, service, statefulSet, recorder];
}

/** The identities a cluster's services connect as (the recorder only where it runs). */
export function serviceIdentities(cluster: string, recorderCluster: string): (typeof SERVICE_IDENTITIES)[number][] {
  return SERVICE_IDENTITIES.filter((id) => id !== 'recorder' || cluster === recorderCluster);
}

function clientSecrets(input: ServicesManifestInput, identities: (typeof SERVICE_IDENTITIES)[number][]): Secret[] {
  const auth = input.auth;
  if (auth.kind !== 'password') return [];
  return identities.map(
    (id) =>
      new Secret({
        metadata: { name: clientSecretName(id), namespace: SERVICES_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'nats-sandbox' } },
        type: 'Opaque',
        stringData: { NATS_USER: id, NATS_PASSWORD: auth.passwords[id] },
      }),
  );
}

export type ServicesObject = Namespace | Secret | Service | Deployment | StatefulSet | Job;

/** Objects per cluster name, in apply order (namespace and secrets first, the requester Job last). */
export function renderServices(input: ServicesManifestInput): Record<string, ServicesObject[]> {
  const recorderCluster = input.recorderCluster ?? input.names[0];
  if (!recorderCluster || !input.names.includes(recorderCluster))
    throw new Error(`RECORDER_CLUSTER ${recorderCluster ?? '(none)'} is not one of ${input.names.join(', ')}`);
  const out: Record<string, ServicesObject[]> = {};
  for (const cluster of input.names) {
    const withRecorder = cluster === recorderCluster;
    out[cluster] = [
      new Namespace({ metadata: { name: SERVICES_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'nats-sandbox' } } }),
      ...clientSecrets(input, serviceIdentities(cluster, recorderCluster)),
      ...SERVICE_NAMES.map((s) => mathDeployment(input, cluster, s)),
      ...(withRecorder ? mysqlObjects(input, cluster) : []),
      requesterJob(input, cluster),
    ];
  }
  return out;
}
