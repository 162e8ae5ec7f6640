// tofu/jetstream/ must describe exactly what nats/jetstream/spec.ts applies.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from '@cdktf/hcl2json';
import { type JetStreamSpec, jetstreamSpec } from '../../../../nats/jetstream/spec.js';
import { evaluate, type HclDocument, mergeDocuments, specFromTofu, TofuEvalError } from '../../../../nats/jetstream/tofu.js';
import { buildTopology } from '../../../../nats/topology.js';
import { ROOT } from '../../../support/helpers.js';

const DIR = join(ROOT, 'tofu', 'jetstream');

async function load(): Promise<HclDocument> {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  return mergeDocuments(await Promise.all(files.map(async (f) => (await parse(f, readFileSync(join(DIR, f), 'utf8'))) as HclDocument)));
}

function normalized(spec: JetStreamSpec): JetStreamSpec {
  return {
    streams: [...spec.streams]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ ...s, sources: [...s.sources].sort(), placement: { ...s.placement, tags: [...s.placement.tags].sort() } })),
    consumers: [...spec.consumers].sort((a, b) => a.durable.localeCompare(b.durable)),
    kv: [...spec.kv].sort((a, b) => a.bucket.localeCompare(b.bucket)),
  };
}

describe('OpenTofu JetStream files', () => {
  it('describe the same streams, consumers and KV as the spec for c1 c2 c3', async () => {
    const doc = await load();
    assert.deepEqual(normalized(specFromTofu(doc)), normalized(jetstreamSpec(buildTopology(['c1', 'c2', 'c3']))));
  });

  it('follow the spec for other region lists and replica counts through the variables', async () => {
    const doc = await load();
    const topo = buildTopology(['eu', 'us'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    assert.deepEqual(
      normalized(specFromTofu(doc, { regions: ['eu', 'us'], stretched_replicas: 2, regional_replicas: 1 })),
      normalized(jetstreamSpec(topo)),
    );
  });

  it('take the servers and TLS files as variables', async () => {
    const doc = await load();
    for (const v of ['servers', 'user', 'password', 'tls_ca_file', 'tls_cert_file', 'tls_key_file'])
      assert.ok(doc.variable?.[v], `variable ${v}`);
  });

  it('notice a drift and refuse expressions they cannot evaluate', async () => {
    const doc = await load();
    const answers = doc.resource!.jetstream_stream!.answers![0]!;
    const drifted = {
      ...doc,
      resource: { ...doc.resource, jetstream_stream: { ...doc.resource!.jetstream_stream, answers: [{ ...answers, max_age: 60 }] } },
    };
    assert.notDeepEqual(normalized(specFromTofu(drifted)), normalized(jetstreamSpec(buildTopology(['c1', 'c2', 'c3']))));
    assert.throws(() => evaluate('${length(var.regions)}', { regions: [] }), TofuEvalError);
  });
});
