// Validators made from the Kubernetes API's own OpenAPI v3 documents, one per group version (what
// an API server publishes at /openapi/v3 and kubernetes/kubernetes keeps in api/openapi-spec/v3),
// so a core object is checked against the API of a named Kubernetes version, as strictly as a
// custom resource against its CRD (kind-schema.ts): unknown fields refused, metadata included.
// The documents spell IntOrString as oneOf integer|string and Quantity as string|number, so
// `targetPort: http` and `cpu: 1` need no rule of ours.
import type { ValidateFunction } from 'ajv';
import { ajv, type KindSchema, lazyKindSchema, strictSchema } from './kind-schema.js';

type Schema = Record<string, unknown>;
interface Gvk {
  group: string;
  version: string;
  kind: string;
}
interface OpenApiDocument {
  components: { schemas: Record<string, Schema & { 'x-kubernetes-group-version-kind'?: Gvk[] }> };
  paths: Record<string, { post?: { 'x-kubernetes-group-version-kind'?: Gvk } }>;
}

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export interface ApiDocument {
  /** The kinds one can create through this group version. */
  kinds: KindSchema[];
  /** The validator of one of its definitions (e.g. io.k8s.api.core.v1.PodSpec), compiled on first use. */
  definition(name: string): ValidateFunction;
}

const keyOf = (g: Gvk) => (g.group ? `${g.group}/${g.version}/${g.kind}` : `${g.version}/${g.kind}`);
const REF = '#/components/schemas/';
/** The ids of the definitions added to the compiler, of every document read. */
const defined = new Set<string>();

/** Refers to a definition by its id in the compiler, where every document of one API version puts it. */
function shared(node: unknown, idOf: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => shared(n, idOf));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith(REF) ? idOf(v.slice(REF.length)) : shared(v, idOf),
    ]),
  );
}

/**
 * The kinds of one OpenAPI document. Every document of an API version repeats the definitions it
 * uses (PodSpec is in apps/v1's and batch/v1's): each is added to the compiler once, under
 * `<api>:<name>`, so a Job's PodSpec is the one a Deployment's check compiled already.
 */
export function apiDocument(jsonText: string, source: string, api: string): ApiDocument {
  const doc = JSON.parse(jsonText) as OpenApiDocument;
  if (!doc.components?.schemas || !doc.paths) throw new Error(`${source}: not an OpenAPI v3 document of the Kubernetes API`);
  const idOf = (name: string) => `${api}:${name}`;
  let added = false;
  const definition = (name: string): ValidateFunction => {
    if (!doc.components.schemas[name]) throw new Error(`${source}: no definition ${name}`);
    if (!added) {
      for (const [n, s] of Object.entries(doc.components.schemas)) {
        if (defined.has(idOf(n))) continue;
        ajv.addSchema({ $id: idOf(n), ...(shared(strictSchema(s), idOf) as object) }, undefined, undefined, false);
        defined.add(idOf(n));
      }
      added = true;
    }
    return ajv.getSchema(idOf(name))!;
  };
  // A kind one can create has a POST path; it is namespaced when that path is under a namespace.
  const namespaced = new Map<string, boolean>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const gvk = item.post?.['x-kubernetes-group-version-kind'];
    if (gvk) namespaced.set(keyOf(gvk), path.includes('/namespaces/{namespace}/'));
  }
  const kinds: KindSchema[] = [];
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const key = keyOf(gvk);
      const ns = namespaced.get(key);
      if (ns !== undefined) kinds.push(lazyKindSchema(key, ns, () => definition(name)));
    }
  }
  if (!kinds.length) throw new Error(`${source}: no kind one can create`);
  return { kinds, definition };
}
