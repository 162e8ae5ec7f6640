// Validators made from the OpenAPI schemas of upstream CustomResourceDefinitions, so a custom
// resource is checked against the CRD the pinned chart or controller really installs, not against
// our own idea of it. Checks as `kubectl apply` does by default (--validate=strict): unknown fields
// are errors except where the CRD preserves them; metadata is left to validate.ts.
import { Ajv, type ValidateFunction } from 'ajv';
import YAML from 'yaml';

type Schema = Record<string, unknown>;

/** One served version of a CRD: the key validate.ts looks objects up by. */
export interface CrdVersion {
  /** group/version/Kind, e.g. ingress.v3.haproxy.org/v3/TCP. */
  key: string;
  namespaced: boolean;
  validate: ValidateFunction;
}

/** A Kubernetes structural schema as a JSON schema ajv checks with kubectl's strictness. */
export function toJsonSchema(node: unknown, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, false));
  if (!node || typeof node !== 'object') return node;
  const s = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'format') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, toJsonSchema(ps, false)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'boolean' ? v : toJsonSchema(v, false);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as unknown[]).map((x) => toJsonSchema(x, false));
    } else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...((out.anyOf as unknown[]) ?? []), { type: 'integer' }, { type: 'string' }];
  }
  // An object that lists its fields and keeps no unknown ones: anything else is an unknown field.
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  // metadata is `type: object` in every CRD; validate.ts checks it against Kubernetes' own rules.
  if (top && out.properties) (out.properties as Schema).metadata = { type: 'object' };
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** Every served version of every CRD in a YAML text (one or several documents, comments allowed). */
export function crdVersions(yamlText: string, source: string): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const doc of YAML.parseAllDocuments(yamlText)) {
    const crd = doc.toJSON() as {
      kind?: string;
      spec?: {
        group: string;
        scope: string;
        names: { kind: string };
        versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[];
      };
    } | null;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      if (!v.schema) throw new Error(`${source}: ${crd.spec.names.kind} ${v.name} has no openAPIV3Schema`);
      out.push({
        key: `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`,
        namespaced: crd.spec.scope === 'Namespaced',
        validate: ajv.compile(toJsonSchema(v.schema.openAPIV3Schema) as Schema),
      });
    }
  }
  if (!out.length) throw new Error(`${source}: no CustomResourceDefinition with a served version`);
  return out;
}
