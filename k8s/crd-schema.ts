// Validators made from the OpenAPI schemas of upstream CustomResourceDefinitions, so a custom
// resource is checked against the CRD the pinned chart or controller really installs, not against
// our own idea of it. Checks as `kubectl apply` does by default (--validate=strict): unknown fields
// are errors except where the CRD preserves them; metadata is left to validate.ts.
import YAML from 'yaml';
import { ajv, type KindSchema, lazyKindSchema, strictSchema } from './kind-schema.js';

type Schema = Record<string, unknown>;

/** A CRD version's openAPIV3Schema as a strict JSON schema. */
export function toJsonSchema(openAPIV3Schema: Schema): Schema {
  const out = strictSchema(openAPIV3Schema) as Schema;
  // metadata is `type: object` in every CRD; validate.ts checks it against the API's ObjectMeta.
  if (out.properties) (out.properties as Schema).metadata = { type: 'object' };
  return out;
}

/** Every served version of every CRD in a YAML text (one or several documents, comments allowed). */
export function crdVersions(yamlText: string, source: string): KindSchema[] {
  const out: KindSchema[] = [];
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
      const { schema } = v;
      if (!schema) throw new Error(`${source}: ${crd.spec.names.kind} ${v.name} has no openAPIV3Schema`);
      out.push(
        lazyKindSchema(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, crd.spec.scope === 'Namespaced', () =>
          ajv.compile(toJsonSchema(schema.openAPIV3Schema)),
        ),
      );
    }
  }
  if (!out.length) throw new Error(`${source}: no CustomResourceDefinition with a served version`);
  return out;
}
