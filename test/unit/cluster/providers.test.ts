import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { chooseProvider, existingSandbox } from '../../../cluster/providers.js';

describe('choosing a provider', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'providers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const local = () => writeFileSync(join(dir, 'plan.json'), '{}');
  const kube = (p: 'k3d' | 'kube') => {
    mkdirSync(join(dir, 'k8s', p), { recursive: true });
    writeFileSync(join(dir, 'k8s', p, 'clusters.json'), '{}');
  };

  it('names the provider of the sandbox already there, and none when there is none or more than one', () => {
    assert.equal(existingSandbox(dir), undefined);
    local();
    assert.equal(existingSandbox(dir), 'local');
    kube('k3d');
    assert.equal(existingSandbox(dir), undefined);
    rmSync(join(dir, 'plan.json'));
    assert.equal(existingSandbox(dir), 'k3d');
  });

  it('takes the flag, then PROVIDER, then the existing sandbox before probing for Docker', async () => {
    local();
    assert.deepEqual(await chooseProvider('kube', 'auto', dir), { provider: 'kube', reason: 'chosen with --provider' });
    assert.deepEqual(await chooseProvider(undefined, 'k3d', dir), { provider: 'k3d', reason: 'PROVIDER in the environment/.env' });
    const kept = await chooseProvider(undefined, 'auto', dir);
    assert.equal(kept.provider, 'local');
    assert.match(kept.reason, /was made with it/);
  });
});
