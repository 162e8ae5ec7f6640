// Check rendered Kubernetes objects before anything applies them: core objects against the
// kubernetes-models models (the API's OpenAPI schemas), custom resources (cert-manager's and
// trust-manager's included) against the upstream CRDs of the pinned versions (k8s/upstream.ts),
// strictly (no unknown fields), and every object's name, namespace and labels against Kubernetes' rules.
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { CHART_VERSION_DEFAULTS } from '../core/settings.js';
import type { KindSchema } from './kind-schema.js';
import { describe, type K8sObject } from './objects.js';
import { upstreamCrds } from './upstream.js';

interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'apps/v1/StatefulSet': StatefulSet as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as ModelClass,
};

const CLUSTER_SCOPED = new Set(['v1/Namespace']);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function metadataProblems(obj: K8sObject, clusterScoped: boolean): string[] {
  const p: string[] = [];
  const { name, namespace, labels = {}, annotations = {} } = obj.metadata ?? ({} as K8sObject['metadata']);
  if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) p.push(`name '${name}' is not a DNS-1123 subdomain`);
  // Services and namespaces are DNS labels (they become host names).
  if ((obj.kind === 'Service' || obj.kind === 'Namespace') && (name.length > 63 || !DNS_LABEL.test(name)))
    p.push(`name '${name}' is not a DNS-1123 label`);
  if (clusterScoped && namespace) p.push('is cluster-scoped but has a namespace');
  if (!clusterScoped && !namespace) p.push('is namespaced but has no namespace');
  if (namespace && !DNS_LABEL.test(namespace)) p.push(`namespace '${namespace}' is not a DNS-1123 label`);
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k)) p.push(`label key '${k}' is invalid`);
    if (typeof v !== 'string' || !LABEL_VALUE.test(v)) p.push(`label ${k}='${String(v)}' has an invalid value`);
  }
  for (const [k, v] of Object.entries(annotations)) {
    if (!LABEL_NAME.test(k)) p.push(`annotation key '${k}' is invalid`);
    if (typeof v !== 'string') p.push(`annotation ${k} is not a string`);
  }
  if (obj.kind === 'Secret' || obj.kind === 'ConfigMap') {
    for (const field of ['data', 'stringData'] as const) {
      for (const k of Object.keys((obj[field] as Record<string, string> | undefined) ?? {}))
        if (!SECRET_KEY.test(k)) p.push(`${field} key '${k}' is invalid`);
    }
  }
  return p;
}

/** The upstream CRDs of the default pins (what the tests and a default render check against). */
export function defaultCrds(): KindSchema[] {
  return upstreamCrds({ chartVersions: { ...CHART_VERSION_DEFAULTS } });
}

/** Problems with one object (empty: valid), custom resources checked against `crds`. */
export function validateObject(obj: K8sObject, crds: readonly KindSchema[] = defaultCrds()): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  const crd = crds.find((c) => c.key === key);
  const problems = metadataProblems(obj, crd ? !crd.namespaced : CLUSTER_SCOPED.has(key));
  if (Model) {
    try {
      new Model(obj as never).validate();
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else if (crd) {
    if (!crd.validate(obj))
      problems.push(
        ...(crd.validate.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
        ),
      );
  } else {
    problems.push(`no schema for ${key}: neither a model in k8s/validate.ts nor an upstream CRD of the pinned versions (k8s/upstream.ts)`);
  }
  return problems.map((m) => `${describe(obj)}: ${m}`);
}

/** Problems with a set of objects, including two objects of the same kind and name. */
export function validateObjects(objects: readonly K8sObject[], crds: readonly KindSchema[] = defaultCrds()): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const o of objects) {
    problems.push(...validateObject(o, crds));
    const id = `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(id)) problems.push(`${describe(o)} is rendered twice`);
    seen.add(id);
  }
  return problems;
}
