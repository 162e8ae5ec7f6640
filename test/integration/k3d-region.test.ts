// Losing a k3d region and bringing it back: region --down/--up stop and start exactly the named
// cluster with the run's own flags (nothing is turned back into arguments and parsed again), and a
// failed `k3d cluster start` is a runtime failure (exit 1) naming the command and the fix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, type Fake, line, makeFake, stopCli } from '../support/fake-toolchain/harness.js';

const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const K3D = ['--provider', 'k3d'];

describe('region down and up on k3d', () => {
  let fake: Fake;
  before(async () => {
    fake = makeFake();
    const r = await cli('01-clusters', ['c1', 'c2', ...K3D, ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await stopCli();
    fake.cleanup();
  });

  const running = () => Object.fromEntries(Object.entries(fake.state().k3d).map(([n, c]) => [n, c.running]));
  const changes = () =>
    fake
      .since()
      .map((c) => line(c, fake))
      .filter((l) => !/^(k3d cluster list|docker info)/.test(l));

  it('--down stops only the named cluster, with the flags it was given', async () => {
    fake.mark();
    const r = await cli('region', ['c2', '--down', ...K3D, ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(changes(), ['k3d cluster stop c2']);
    assert.deepEqual(running(), { c1: true, c2: false });
  });

  it('--up starts it again and heals its pods, in its own context', async () => {
    fake.mark();
    const r = await cli('region', ['c2', '--up', ...K3D, ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(changes(), [
      'k3d cluster start c2 --wait',
      'kubectl wait nodes --all --for=condition=Ready --timeout=3s',
      'kubectl delete pods --all-namespaces --field-selector=status.phase!=Running,status.phase!=Succeeded,status.phase!=Pending --wait=false',
    ]);
    assert.ok(
      fake
        .since()
        .filter((c) => c.tool === 'kubectl')
        .every((c) => c.context === 'k3d-c2'),
    );
    assert.deepEqual(running(), { c1: true, c2: true });
  });

  it('a failed k3d cluster start exits 1 and names the command and what to look at', async () => {
    await cli('region', ['c2', '--down', ...K3D], fake.env);
    const r = await cli('region', ['c2', '--up', ...K3D], { ...fake.env, FAKE_FAIL: JSON.stringify([{ match: 'k3d cluster start c2' }]) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cluster c2: 'k3d cluster start c2 --wait' failed with exit code/);
    assert.match(r.stderr, /fix: see the node containers with: docker ps -a --filter name=k3d-c2-/);
  });
});
