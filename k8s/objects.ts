// A Kubernetes object as the renderers produce it and kubectl applies it: plain data with
// apiVersion, kind and metadata. Objects with a model (kubernetes-models) are built through it, so
// the compiler checks their fields; custom resources without one use the interfaces here.
import YAML from 'yaml';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Plain data of a model instance or object literal (models serialise through toJSON). */
export function plain(obj: { toJSON?: () => unknown } | K8sObject): K8sObject {
  return JSON.parse(JSON.stringify(obj)) as K8sObject;
}

/** Multi-document YAML, without anchors, ready for `kubectl apply -f`. */
export function toYaml(objects: readonly unknown[]): string {
  return objects.map((o) => YAML.stringify(o, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
}

/** One YAML document (helm values), without anchors. */
export function toYamlDocument(value: unknown): string {
  return YAML.stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/**
 * Secret data, base64-encoded. `data` rather than `stringData`: kubectl apply then reports an
 * unchanged Secret as unchanged, which is how the stages notice a real change.
 */
export function base64Data(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
}

export function describe(obj: K8sObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}
