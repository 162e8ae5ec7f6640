// Operator mode (--auth jwt) on Kubernetes, in the nats chart's own terms (nats-io/k8s
// nats-2.14.2): the full resolver on the chart's `config.resolver` (files/config/resolver.yaml
// writes `dir`, its `merge` the rest; the StatefulSet gets the resolver PVC mounted at `dir`,
// files/stateful-set/resolver-pvc.yaml), the operator, system account and preloaded accounts in
// `config.merge` (JWTs are signed public claims, no seed), and each client's creds file from a
// Secret made at install time from the one key store (core/jwt-store.ts). Pure.
import { Secret } from 'kubernetes-models/v1';
import type { Identity } from '../nats/accounts.js';
import type { ConfValue } from '../nats/conf.js';
import { type K8sObject, plain } from './objects.js';

/** The chart's default `config.resolver.dir`: its PVC is mounted there (inside /data, the JetStream volume, on JetStream servers). */
export const RESOLVER_DIR = '/data/resolver';
/** Account JWTs are a few KiB each; the chart's default claim. */
export const RESOLVER_VOLUME_SIZE = '1Gi';

/** The chart's `config.resolver` (values.yaml: enabled, dir, pvc, merge). */
export interface ChartResolver {
  enabled: true;
  dir: string;
  pvc: { enabled: true; size: string; storageClassName?: string };
  merge: Record<string, ConfValue>;
}

/**
 * The resolver block serverConfig wrote (it lands in `config.merge`) moved onto the chart's own
 * `config.resolver`, so the chart gives every pod a volume for it: a pod that restarts keeps the
 * accounts it learned (a preload is only where a new server starts).
 */
export function chartResolver(
  merge: Record<string, ConfValue>,
  storageClass?: string,
): { resolver: ChartResolver; merge: Record<string, ConfValue> } {
  const { resolver, ...rest } = merge;
  const r = resolver as Record<string, ConfValue> | undefined;
  if (!r) throw new Error('operator mode: the server config has no resolver block');
  const { dir, ...resolverMerge } = r;
  if (dir !== RESOLVER_DIR)
    throw new Error(`operator mode: the resolver directory must be ${RESOLVER_DIR}, where the chart mounts its volume; got ${String(dir)}`);
  return {
    resolver: {
      enabled: true,
      dir,
      pvc: { enabled: true, size: RESOLVER_VOLUME_SIZE, ...(storageClass ? { storageClassName: storageClass } : {}) },
      merge: resolverMerge,
    },
    merge: rest,
  };
}

/** The Secret with the creds file (user JWT and seed) of `identity`, in every namespace that runs it. */
export function credsSecretName(identity: Identity): string {
  return `nats-creds-${identity}`;
}

/** The key of the creds file in its Secret: the nats chart's nats-box default (natsBox.contexts.*.creds.key). */
export const CREDS_KEY = 'nats.creds';
/** Where a client container of the services image finds its creds file. */
const CREDS_MOUNT = '/etc/nats-creds';

/**
 * A client Secret made at install time (stdin, never a file): the identity's creds file as the key
 * store wrote it. `data`, so an unchanged file applies as unchanged.
 */
export function credsSecret(identity: Identity, namespace: string, creds: string): K8sObject {
  return plain(
    new Secret({
      metadata: { name: credsSecretName(identity), namespace, labels: { 'app.kubernetes.io/part-of': 'nats-sandbox' } },
      type: 'Opaque',
      data: { [CREDS_KEY]: Buffer.from(creds, 'utf8').toString('base64') },
    }),
  );
}

/** What a client container adds for its creds: NATS_CREDS (nats/live/client.ts) and the Secret mounted read-only. */
export function credsConnection(secretName: string) {
  return {
    env: [{ name: 'NATS_CREDS', value: `${CREDS_MOUNT}/${CREDS_KEY}` }],
    volumes: [{ name: 'nats-client-creds', secret: { secretName } }],
    mounts: [{ name: 'nats-client-creds', mountPath: CREDS_MOUNT, readOnly: true }],
  };
}

/** A nats-box context's creds (the chart mounts the Secret at /etc/nats-creds/<context> and names the file). */
export function natsBoxCreds(identity: Identity): { secretName: string; key: string } {
  return { secretName: credsSecretName(identity), key: CREDS_KEY };
}
