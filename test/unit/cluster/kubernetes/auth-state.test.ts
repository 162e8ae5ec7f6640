// A Kubernetes sandbox keeps the auth mode it was made with, by the same rule as the local one
// (cluster/auth-mode.ts): recorded before the first stage makes anything, kept through later
// stages, refused when a run asks for the other mode.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { authModeOf } from '../../../../cluster/auth-mode.js';
import { forgetClusters, keptAuth, readState, rememberAuth, rememberClusters } from '../../../../cluster/kubernetes/state.js';
import { exitCode, UsageError } from '../../../../core/errors.js';

const REPLICAS = { seed: 1, js: 1, gw: 1, xr: 1 };
const dirs: string[] = [];
const sandbox = () => {
  const d = mkdtempSync(join(tmpdir(), 'k8s-auth-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const refused = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof UsageError && exitCode(e) === 2 && re.test((e as Error).message));

describe('the auth mode of a sandbox', () => {
  it('is what a new sandbox is asked for, mTLS by default', () => {
    assert.equal(authModeOf(undefined, undefined), 'mtls');
    assert.equal(authModeOf('jwt', undefined), 'jwt');
  });

  it('is kept when a later run says nothing, and may be repeated', () => {
    assert.equal(authModeOf(undefined, 'jwt'), 'jwt');
    assert.equal(authModeOf('jwt', 'jwt'), 'jwt');
    assert.equal(authModeOf(undefined, 'mtls'), 'mtls');
  });

  it('is never changed on an existing sandbox: refused with how to start over', () => {
    refused(() => authModeOf('jwt', 'mtls'), /runs --auth mtls; it cannot change to jwt.*delete/);
    refused(() => authModeOf('mtls', 'jwt'), /runs --auth jwt; it cannot change to mtls/);
  });
});

describe("a Kubernetes sandbox's record of it (clusters.json)", () => {
  it('has none before any cluster exists, mTLS for clusters made without it', () => {
    const dir = sandbox();
    assert.equal(keptAuth(readState(dir, 'k3d')), undefined);
    rememberClusters(dir, 'k3d', ['c1'], { c1: 'k3d-c1' }, REPLICAS);
    assert.equal(keptAuth(readState(dir, 'k3d')), 'mtls', 'an mTLS sandbox made before operator mode existed');
  });

  it('remembers operator mode before stage 01, and stage 01 keeps it', () => {
    const dir = sandbox();
    rememberAuth(dir, 'k3d', 'jwt');
    assert.equal(keptAuth(readState(dir, 'k3d')), undefined, 'no clusters yet: a new sandbox still');
    rememberClusters(dir, 'k3d', ['c1', 'c2'], { c1: 'k3d-c1', c2: 'k3d-c2' }, REPLICAS);
    assert.equal(keptAuth(readState(dir, 'k3d')), 'jwt');
    refused(() => authModeOf('mtls', keptAuth(readState(dir, 'k3d'))), /cannot change to mtls/);
    forgetClusters(dir, 'k3d', ['c1']);
    assert.equal(keptAuth(readState(dir, 'k3d')), 'jwt', 'part of the sandbox deleted: the rest keeps it');
    forgetClusters(dir, 'k3d', ['c2']);
    assert.equal(readState(dir, 'k3d'), undefined, 'gone with the last cluster');
  });

  it('writes nothing for mTLS (absent means mTLS)', () => {
    const dir = sandbox();
    rememberAuth(dir, 'kube', 'mtls');
    assert.equal(readState(dir, 'kube'), undefined);
  });

  it('follows a new choice while no cluster exists yet (a first install that failed before stage 01 made one)', () => {
    const dir = sandbox();
    rememberAuth(dir, 'k3d', 'jwt');
    rememberAuth(dir, 'k3d', 'mtls');
    rememberClusters(dir, 'k3d', ['c1'], { c1: 'k3d-c1' }, REPLICAS);
    assert.equal(keptAuth(readState(dir, 'k3d')), 'mtls');
    rememberAuth(dir, 'k3d', 'jwt');
    assert.equal(keptAuth(readState(dir, 'k3d')), 'mtls', 'once clusters exist the record is not rewritten');
  });
});
