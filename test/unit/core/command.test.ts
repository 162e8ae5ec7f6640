import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRunner, withContext } from '../../../core/command.js';
import { CommandError } from '../../../core/errors.js';

describe('command runner', () => {
  it('adds the kube context the way each tool takes it', () => {
    assert.deepEqual(withContext(['kubectl', 'get', 'ns'], 'k3d-c1'), ['kubectl', '--context', 'k3d-c1', 'get', 'ns']);
    assert.deepEqual(withContext(['helm', 'list'], 'k3d-c1'), ['helm', '--kube-context', 'k3d-c1', 'list']);
    assert.deepEqual(withContext(['linkerd', 'check'], 'k3d-c1'), ['linkerd', '--context', 'k3d-c1', 'check']);
    assert.deepEqual(withContext(['k3d', 'cluster', 'list'], 'k3d-c1'), ['k3d', 'cluster', 'list']);
  });

  it('runs nothing in dry-run, records the plan and reports reads as assumptions', async () => {
    const r = createRunner(true);
    const w = await r.run(['sh', '-c', 'exit 3'], { cluster: 'c1' });
    assert.equal(w.exitCode, 0);
    const read = await r.run(['kubectl', 'get', 'ns', 'nats'], { cluster: 'c2', context: 'k3d-c2', read: true, assume: 'not found' });
    assert.equal(read.stdout, 'not found');
    assert.deepEqual(r.history, ["[c1] sh -c 'exit 3'", '[c2] kubectl --context k3d-c2 get ns nats']);
  });

  it('runs commands and returns their output', async () => {
    const r = createRunner(false);
    const out = await r.run(['sh', '-c', 'echo hello; echo there >&2'], { silent: true });
    assert.equal(out.stdout.trim(), 'hello');
    assert.equal(out.stderr.trim(), 'there');
  });

  it('turns a failure into a message naming the cluster, the command, its output and the fix', async () => {
    const r = createRunner(false);
    await assert.rejects(
      r.run(['sh', '-c', 'echo boom >&2; exit 4'], { cluster: 'c3', fix: 'do the thing', silent: true }),
      (e: unknown) => {
        assert.ok(e instanceof CommandError);
        assert.match(e.message, /^cluster c3: 'sh -c 'echo boom >&2; exit 4'' failed with exit code 4/);
        assert.match(e.message, /boom/);
        assert.match(e.message, /fix: do the thing/);
        return true;
      },
    );
  });

  it('says how to install a missing tool', async () => {
    const r = createRunner(false);
    await assert.rejects(r.run(['helm', 'version'], { cluster: 'c1', silent: true }), /(install helm|could not run)/);
  });
});
