// Read tofu/jetstream/ (as JSON from an HCL parser) back into a JetStreamSpec, so a test can hold
// it identical to spec.ts. Evaluates only the expressions those files use and fails on anything
// else: an expression it does not understand must not pass as equal. Pure.
import type { ConsumerSpec, JetStreamSpec, KvSpec, StreamSpec } from './spec.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Block = Record<string, Json>;
/** hcl2json shape: resource.<type>.<name> = [block]. */
export interface HclDocument {
  variable?: Record<string, Block[]>;
  resource?: Record<string, Record<string, Block[]>>;
  [k: string]: unknown;
}

type Scope = Record<string, Json>;

export class TofuEvalError extends Error {}

/** Merge parsed files into one document. */
export function mergeDocuments(docs: HclDocument[]): HclDocument {
  const out: HclDocument = { variable: {}, resource: {} };
  for (const d of docs) {
    Object.assign(out.variable!, d.variable ?? {});
    for (const [type, byName] of Object.entries(d.resource ?? {})) out.resource![type] = { ...(out.resource![type] ?? {}), ...byName };
  }
  return out;
}

function variableDefaults(doc: HclDocument, overrides: Record<string, Json> = {}): Record<string, Json> {
  const vars: Record<string, Json> = {};
  for (const [name, [block]] of Object.entries(doc.variable ?? {})) if (block && 'default' in block) vars[name] = block.default!;
  return { ...vars, ...overrides };
}

function evalExpr(expr: string, vars: Record<string, Json>, scope: Scope, names: Record<string, string>): Json {
  const e = expr.trim();
  let m = /^var\.([A-Za-z_][\w-]*)$/.exec(e);
  if (m) {
    if (!(m[1]! in vars)) throw new TofuEvalError(`variable ${m[1]} has no value`);
    return vars[m[1]!]!;
  }
  m = /^(each|[A-Za-z_]\w*)\.(key|value)$/.exec(e);
  if (m && `${m[1]}.${m[2]}` in scope) return scope[`${m[1]}.${m[2]}`]!;
  m = /^toset\((.+)\)$/.exec(e);
  if (m) {
    const v = evalExpr(m[1]!, vars, scope, names);
    if (!Array.isArray(v)) throw new TofuEvalError(`toset of a non-list: ${e}`);
    return [...new Set(v.map(String))].sort();
  }
  m = /^jetstream_stream\.([A-Za-z_][\w-]*)\.(id|name)$/.exec(e);
  if (m) {
    const name = names[m[1]!];
    if (!name) throw new TofuEvalError(`no stream resource ${m[1]}`);
    return name;
  }
  throw new TofuEvalError(`expression not understood: \${${e}}`);
}

/** Interpolate a value: "${x}" keeps x's type, "a-${x}" is a string. */
export function evaluate(value: Json, vars: Record<string, Json>, scope: Scope = {}, names: Record<string, string> = {}): Json {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole) return evalExpr(whole[1]!, vars, scope, names);
    return value.replace(/\$\{([^}]*)\}/g, (_, x: string) => String(evalExpr(x, vars, scope, names)));
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, vars, scope, names));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, vars, scope, names)]));
  return value;
}

/** Instances of a resource block: one, or one per for_each item (each.key = each.value = item). */
function instances(block: Block, vars: Record<string, Json>): Scope[] {
  if (!('for_each' in block)) return [{}];
  const items = evaluate(block.for_each!, vars);
  if (!Array.isArray(items)) throw new TofuEvalError('for_each must be a list or set here');
  return items.map((i) => ({ 'each.key': i, 'each.value': i }));
}

/** Blocks `name`, written out or through `dynamic "name"`. */
function nested(block: Block, name: string, vars: Record<string, Json>, scope: Scope, names: Record<string, string>): Block[] {
  const out: Block[] = [];
  for (const b of (block[name] as Block[] | undefined) ?? []) out.push(evaluate(b, vars, scope, names) as Block);
  for (const d of (block.dynamic as Record<string, Block[]> | undefined)?.[name] ?? []) {
    const items = evaluate(d.for_each!, vars, scope, names);
    if (!Array.isArray(items)) throw new TofuEvalError(`dynamic ${name} needs a list`);
    for (const item of items) {
      for (const content of d.content as Block[])
        out.push(evaluate(content, vars, { ...scope, [`${name}.key`]: item, [`${name}.value`]: item }, names) as Block);
    }
  }
  return out;
}

const str = (v: Json | undefined, what: string): string => {
  if (typeof v !== 'string') throw new TofuEvalError(`${what} must be a string, got ${JSON.stringify(v)}`);
  return v;
};
const num = (v: Json | undefined, what: string, fallback?: number): number => {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number') throw new TofuEvalError(`${what} must be a number, got ${JSON.stringify(v)}`);
  return v;
};
const strings = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The spec the OpenTofu files describe, for the given variable values. */
export function specFromTofu(doc: HclDocument, overrides: Record<string, Json> = {}): JetStreamSpec {
  const vars = variableDefaults(doc, overrides);
  const res = doc.resource ?? {};
  const known = new Set(['jetstream_stream', 'jetstream_consumer', 'jetstream_kv_bucket']);
  for (const type of Object.keys(res)) if (!known.has(type)) throw new TofuEvalError(`resource type ${type} is not compared with the spec`);
  const streams: StreamSpec[] = [];
  const names: Record<string, string> = {};
  for (const [key, [block]] of Object.entries(res.jetstream_stream ?? {})) {
    for (const scope of instances(block!, vars)) {
      const b = evaluate(
        Object.fromEntries(Object.entries(block!).filter(([k]) => !['for_each', 'dynamic', 'source', 'depends_on'].includes(k))),
        vars,
        scope,
      ) as Block;
      const name = str(b.name, `jetstream_stream.${key}.name`);
      if (!('for_each' in block!)) names[key] = name;
      streams.push({
        name,
        description: str(b.description, `${name}.description`),
        subjects: strings(b.subjects),
        storage: (b.storage ?? 'file') as StreamSpec['storage'],
        maxAgeSeconds: num(b.max_age, `${name}.max_age`, 0),
        duplicateWindowSeconds: num(b.duplicate_window, `${name}.duplicate_window`, 120),
        replicas: num(b.replicas, `${name}.replicas`, 1),
        placement: { cluster: str(b.placement_cluster, `${name}.placement_cluster`), tags: strings(b.placement_tags) },
        sources: nested(block!, 'source', vars, scope, names).map((s) => str(s.name, `${name}.source.name`)),
      });
    }
  }
  const consumers: ConsumerSpec[] = Object.entries(res.jetstream_consumer ?? {}).map(([key, [block]]) => {
    const b = evaluate(block!, vars, {}, names) as Block;
    if (b.deliver_all !== true || (b.ack_policy ?? 'explicit') !== 'explicit')
      throw new TofuEvalError(`jetstream_consumer.${key} must deliver all with explicit acks, as the spec does`);
    return {
      stream: str(b.stream_id, `${key}.stream_id`),
      durable: str(b.durable_name, `${key}.durable_name`),
      description: str(b.description, `${key}.description`),
      filterSubject: str(b.filter_subject, `${key}.filter_subject`),
      ackWaitSeconds: num(b.ack_wait, `${key}.ack_wait`, 30),
      maxDeliver: num(b.max_delivery, `${key}.max_delivery`, -1),
      maxAckPending: num(b.max_ack_pending, `${key}.max_ack_pending`),
    };
  });
  const kv: KvSpec[] = Object.entries(res.jetstream_kv_bucket ?? {}).map(([key, [block]]) => {
    const b = evaluate(block!, vars) as Block;
    return {
      bucket: str(b.name, `${key}.name`),
      description: str(b.description, `${key}.description`),
      history: num(b.history, `${key}.history`, 1),
      ttlSeconds: num(b.ttl, `${key}.ttl`, 0),
      replicas: num(b.replicas, `${key}.replicas`, 1),
      placement: { cluster: str(b.placement_cluster, `${key}.placement_cluster`), tags: strings(b.placement_tags) },
    };
  });
  return { streams, consumers, kv };
}
