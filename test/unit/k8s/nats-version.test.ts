// One nats-server version for both paths: the pin (NATS_SERVER_VERSION) is what the pinned nats
// chart ships (nats-io/k8s nats-2.14.2: helm/charts/nats/Chart.yaml appVersion, values.yaml
// container.image.tag), what the rendered releases deploy, and what the local provider runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { cachedBinary, NATS_SERVER } from '../../../core/go-tool.js';
import { NATS_SERVER_VERSION, readKubeSettings, readSettings } from '../../../core/settings.js';
import { natsImageTag } from '../../../k8s/nats-values.js';
import { natsChartPin, UPSTREAM_DIR } from '../../../k8s/upstream.js';
import { ROOT } from '../../support/helpers.js';
import { testPlans } from '../../support/kube-plan.js';

function chartFile(version: string, name: string): Record<string, unknown> {
  const pin = natsChartPin(readKubeSettings({ NATS_CHART_VERSION: version }));
  const file = pin.files.find((f) => f.file.endsWith(`/${name}`))!;
  return YAML.parse(readFileSync(join(ROOT, UPSTREAM_DIR, file.file), 'utf8'));
}

function imageTags(env: NodeJS.ProcessEnv): string[] {
  return testPlans('k3d', { names: ['c1', 'c2'], env }).flatMap((c) =>
    c.supercluster.nats.map((r) => (r.values as { container: { image: { tag: string } } }).container.image.tag),
  );
}

describe('the nats-server version', () => {
  const chartVersion = readKubeSettings({}).chartVersions.NATS_CHART_VERSION;

  it("is by default the one the pinned nats chart ships (its appVersion, in its values' image tag)", () => {
    const chart = chartFile(chartVersion, 'Chart.yaml') as { version: string; appVersion: string };
    const values = chartFile(chartVersion, 'values.yaml') as { container: { image: { repository: string; tag: string } } };
    assert.equal(chart.version, chartVersion);
    assert.equal(NATS_SERVER_VERSION, chart.appVersion);
    assert.equal(values.container.image.repository, 'nats');
    assert.equal(values.container.image.tag, natsImageTag(chart.appVersion));
  });

  it('is one setting: the local provider runs what every rendered NATS release deploys', () => {
    for (const env of [{}, { NATS_SERVER_VERSION: '2.12.4' }, { NATS_SERVER_VERSION: 'v2.13.1' }]) {
      const local = readSettings(env).natsServerVersion;
      assert.equal(readKubeSettings(env).natsServerVersion, local);
      const tags = imageTags(env);
      assert.equal(tags.length, 8, 'four releases per cluster');
      assert.deepEqual([...new Set(tags)], [natsImageTag(local)]);
      assert.match(cachedBinary(NATS_SERVER, local, env), new RegExp(`/nats-server/v${local.replace(/\./g, '\\.')}/nats-server$`));
    }
  });

  it('refuses a version that is not a release', () => {
    assert.throws(
      () => readSettings({ NATS_SERVER_VERSION: 'latest' }),
      /NATS_SERVER_VERSION must be a nats-server release such as 2\.14\.2; got 'latest'/,
    );
  });
});
