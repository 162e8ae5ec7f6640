// Download every upstream file (CRDs, the Kubernetes API's OpenAPI documents, the nats chart's
// Chart.yaml and values.yaml) that k8s/upstream.ts lists (repository, tag or commit, path) into
// test/fixtures/upstream, unchanged. Needs network; a maintainer runs it when a pin changes
// (`node --import tsx test/support/refresh-upstream.ts`), never CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allUpstreamFiles, UPSTREAM_DIR } from '../../k8s/upstream.js';
import { ROOT } from './helpers.js';

for (const f of allUpstreamFiles()) {
  const url = `https://raw.githubusercontent.com/${f.repository}/${f.tag}/${f.path}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const dest = join(ROOT, UPSTREAM_DIR, f.file);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, await res.text());
  console.log(`${f.repository}@${f.tag}:${f.path} -> ${join(UPSTREAM_DIR, f.file)}`);
}
