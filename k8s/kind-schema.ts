// One kind's validator, whatever its schema comes from (an upstream CRD: crd-schema.ts; the
// Kubernetes API's own OpenAPI document: api-schema.ts), checked as `kubectl apply
// --validate=strict` does: an object that lists its fields keeps no other. Compiled once, on first
// use: a render checks a dozen kinds, and compiling a big schema (cert-manager's Issuer embeds pod
// templates, a Deployment all of PodSpec) costs more than all the checking.
import { Ajv, type ValidateFunction } from 'ajv';

type Schema = Record<string, unknown>;

export interface KindSchema {
  /** apiVersion/Kind, e.g. ingress.v3.haproxy.org/v3/TCP, v1/Service. */
  key: string;
  namespaced: boolean;
  /** Compiled on first use, then kept. */
  readonly validate: ValidateFunction;
}

// Formats are Kubernetes' (int32, byte, date-time...), not checked here. Without ajv's code
// optimisation big schemas compile about a third faster, and validating costs little either way.
export const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { optimize: false } });

/** A kind whose validator is made only when something of that kind is validated. */
export function lazyKindSchema(key: string, namespaced: boolean, compile: () => ValidateFunction): KindSchema {
  let compiled: ValidateFunction | undefined;
  return {
    key,
    namespaced,
    get validate() {
      compiled ??= compile();
      return compiled;
    },
  };
}

/** A Kubernetes structural schema as a JSON schema ajv checks with kubectl's strictness. */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (!node || typeof node !== 'object') return node;
  const s = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'description' || k === 'format') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, strictSchema(ps)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'boolean' ? v : strictSchema(v);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as unknown[]).map(strictSchema);
    } else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...((out.anyOf as unknown[]) ?? []), { type: 'integer' }, { type: 'string' }];
  }
  // An object that lists its fields and keeps no unknown ones: anything else is an unknown field.
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}
