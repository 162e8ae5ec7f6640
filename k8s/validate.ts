// Check rendered Kubernetes objects before anything applies them: core objects against the
// Kubernetes API's own OpenAPI documents of a named version, custom resources (cert-manager's and
// trust-manager's included) against the upstream CRDs of the pinned versions (k8s/upstream.ts),
// all strictly (no unknown fields, in metadata neither), and every object's name, namespace and
// labels against Kubernetes' rules.
import type { ErrorObject } from 'ajv';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { CHART_VERSION_DEFAULTS } from '../core/settings.js';
import type { KindSchema } from './kind-schema.js';
import { describe, type K8sObject } from './objects.js';
import { KUBERNETES_API, kubernetesApiKind, objectMetaValidator, upstreamCrds } from './upstream.js';

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

/**
 * The values the API documents above leave to the API server: their enums (imagePullPolicy,
 * a Service's type, a port's protocol). kubernetes-models 5.1.0 is generated from Kubernetes
 * v1.36.0's schemas with the enums in; it allows unknown fields, which the documents refuse.
 */
type Model = new (data: never) => { validate(): void };
const VALUE_MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
};

function valueProblems(key: string, obj: K8sObject): string[] {
  const M = VALUE_MODELS[key];
  if (!M) return [];
  try {
    new M(obj as never).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** The upstream CRDs of the default pins (what the tests and a default render check against). */
export function defaultCrds(): KindSchema[] {
  return upstreamCrds({ chartVersions: { ...CHART_VERSION_DEFAULTS } });
}

function schemaProblems(errors: readonly ErrorObject[] | null | undefined, at = ''): string[] {
  return (errors ?? []).map(
    (e) =>
      `${at + e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
  );
}

/** Problems with one object (empty: valid), custom resources checked against `crds`. */
export function validateObject(obj: K8sObject, crds: readonly KindSchema[] = defaultCrds()): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const crd = crds.find((c) => c.key === key);
  const schema = crd ?? kubernetesApiKind(obj.apiVersion, obj.kind);
  const problems = metadataProblems(obj, schema?.namespaced === false);
  if (!schema) {
    problems.push(
      `no schema for ${key}: neither in the Kubernetes ${KUBERNETES_API.version} API documents nor an upstream CRD of the pinned versions (k8s/upstream.ts)`,
    );
  } else {
    if (!schema.validate(obj)) problems.push(...schemaProblems(schema.validate.errors));
    else if (!crd) problems.push(...valueProblems(key, obj));
    // A CRD's schema leaves metadata to the API server, which decodes it as the API's ObjectMeta.
    const meta = crd && objectMetaValidator();
    if (meta && !meta(obj.metadata)) problems.push(...schemaProblems(meta.errors, '/metadata'));
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
