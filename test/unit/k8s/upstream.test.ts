// What the pins decide, from their upstream sources: linkerd/linkerd2 edge-26.8.3
// (multicluster/cmd/link.go flags, charts/linkerd-control-plane/values.yaml proxy.opaquePorts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../core/errors.js';
import { readKubeSettings } from '../../../core/settings.js';
import { allUpstreamFiles, linkerdPin, linkGenCommand, UPSTREAM_DIR, upstreamCrdFiles } from '../../../k8s/upstream.js';
import { ROOT } from '../../support/helpers.js';

describe('the pins', () => {
  const pin = linkerdPin(readKubeSettings({}));

  it('make link-gen commands of flags the pinned linkerd CLI has', () => {
    assert.equal(pin.cli, 'edge-26.8.3');
    assert.deepEqual(linkGenCommand(pin, 'c2', { apiServer: 'https://k3d-c2-server-0:6443', gateway: 'k3d-c2-server-0' }), [
      'linkerd',
      'multicluster',
      'link-gen',
      '--cluster-name',
      'c2',
      '--api-server-address',
      'https://k3d-c2-server-0:6443',
      '--gateway-addresses',
      'k3d-c2-server-0',
    ]);
    assert.throws(
      () => linkGenCommand({ ...pin, linkGenFlags: ['--cluster-name'] }, 'c2', { apiServer: 'x', gateway: 'y' }),
      /no --api-server-address flag/,
    );
  });

  it('refuse a linkerd, kube-prometheus-stack, cert-manager or trust-manager pin the code does not know, naming the pin and the known versions', () => {
    assert.throws(
      () => linkerdPin(readKubeSettings({ LINKERD_CHART_VERSION: '2025.1.1' })),
      (e: Error) => e instanceof UsageError && /LINKERD_CHART_VERSION=2025\.1\.1/.test(e.message) && /2026\.8\.3/.test(e.message),
    );
    assert.throws(
      () => upstreamCrdFiles(readKubeSettings({ KUBE_PROMETHEUS_STACK_CHART_VERSION: '70.0.0' })),
      /KUBE_PROMETHEUS_STACK_CHART_VERSION=70\.0\.0 .* knows 88\.5\.3/,
    );
    assert.throws(
      () => upstreamCrdFiles(readKubeSettings({ CERT_MANAGER_CHART_VERSION: 'v1.18.0' })),
      /CERT_MANAGER_CHART_VERSION=v1\.18\.0 .* knows v1\.17\.4/,
    );
    assert.throws(
      () => upstreamCrdFiles(readKubeSettings({ TRUST_MANAGER_CHART_VERSION: 'v0.19.0' })),
      /TRUST_MANAGER_CHART_VERSION=v0\.19\.0 .* knows v0\.18\.0/,
    );
  });

  it('list every stored upstream file in the fixtures README, with its repository, tag and path', () => {
    const readme = readFileSync(join(ROOT, UPSTREAM_DIR, 'README.md'), 'utf8');
    for (const f of allUpstreamFiles()) {
      assert.ok(existsSync(join(ROOT, UPSTREAM_DIR, f.file)), f.file);
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${f.file}\` |`));
      assert.ok(row, `${f.file} has no row in ${UPSTREAM_DIR}/README.md`);
      const [, , repository, tag, path] = row.split('|').map((c) => c.trim());
      assert.deepEqual([repository, tag?.split(' ')[0], path], [f.repository, f.tag, f.path], f.file);
    }
  });

  it('name the repository, tag and path of every stored upstream CRD', () => {
    for (const f of upstreamCrdFiles(readKubeSettings({}))) {
      assert.match(f.repository, /^[\w-]+\/[\w.-]+$/);
      assert.ok(f.tag && f.path.endsWith('.yaml'), f.file);
    }
  });
});
