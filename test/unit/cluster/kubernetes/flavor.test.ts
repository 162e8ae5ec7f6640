// The two Kubernetes flavors hold everything that differs between k3d and kube; nothing else
// branches on the provider's name.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FLAVORS } from '../../../../cluster/kubernetes/flavor.js';
import { ROOT } from '../../../support/helpers.js';

describe('Kubernetes flavors', () => {
  it('name the contexts: k3d-<name> for k3d, the --context given (else the name) for kube', () => {
    assert.deepEqual(FLAVORS.k3d.targets(['c1'], { c1: 'ignored' }), [{ name: 'c1', context: 'k3d-c1' }]);
    assert.deepEqual(FLAVORS.kube.targets(['c1', 'c2'], { c2: 'my-eks' }), [
      { name: 'c1', context: 'c1' },
      { name: 'c2', context: 'my-eks' },
    ]);
  });

  it('say where link-gen reaches a k3d cluster (its server node), and leave kube to its defaults', () => {
    assert.deepEqual(FLAVORS.k3d.linkAddresses('c2'), { apiServer: 'https://k3d-c2-server-0:6443', gateway: 'k3d-c2-server-0' });
    assert.equal(FLAVORS.kube.linkAddresses('c2'), undefined);
  });

  it('treat kube clusters as shared and k3d clusters as the sandbox own', () => {
    assert.equal(FLAVORS.kube.sharedCluster, true);
    assert.equal(FLAVORS.k3d.sharedCluster, false);
    assert.equal(FLAVORS.kube.region, undefined, 'kube clusters are not stopped');
  });

  it('are the only place that branches on the provider name in the Kubernetes path', () => {
    const files = [
      ...['cluster/kubernetes', 'k8s'].flatMap((dir) =>
        readdirSync(join(ROOT, dir))
          .filter((f) => f.endsWith('.ts') && f !== 'flavor.ts')
          .map((f) => join(dir, f)),
      ),
      'scripts/lib/commands/render.ts',
    ];
    const branches = files.filter((f) =>
      /provider\s*[!=]==\s*'(k3d|kube)'|'(k3d|kube)'\s*[!=]==\s*\w*provider/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(branches, []);
  });
});
