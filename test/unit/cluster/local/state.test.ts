// What the local provider saves: a sandbox made before the WAN table was saved (plan.json with
// --wan as typed) reads as the table, once, where the state is read.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { portBaseOf, readLocalState } from '../../../../cluster/local/state.js';

function stateWith(wan: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'local-state-'));
  const plan = {
    version: 1,
    names: ['c1', 'c2', 'c3'],
    replicas: { seed: 1, js: 1, gw: 1, xr: 1 },
    portBase: 14222,
    ports: {},
    ...(wan ? { wan } : {}),
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  try {
    return readLocalState(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the saved WAN', () => {
  it('reads a --wan saved as typed as its table', () => {
    assert.deepEqual(stateWith('c1-c2=30ms,c2-c3=80ms')?.wan, { 'c1~c2': 30, 'c1~c3': 0, 'c2~c3': 80 });
    assert.deepEqual(stateWith('40ms')?.wan, { 'c1~c2': 40, 'c1~c3': 40, 'c2~c3': 40 });
  });
  it('has none for off or when none was saved', () => {
    assert.equal(stateWith('off')?.wan, undefined);
    assert.equal(stateWith(undefined)?.wan, undefined);
  });
});

describe('the port base', () => {
  it('of a new sandbox is LOCAL_PORT_BASE, else the default', () => {
    assert.deepEqual(portBaseOf(31000, undefined), { portBase: 31000 });
    assert.deepEqual(portBaseOf(undefined, undefined), { portBase: 14222 });
  });
  it('of an existing sandbox is the saved one: the environment does not move it, and says it was not used', () => {
    assert.deepEqual(portBaseOf(31000, { portBase: 15000 }), { portBase: 15000, ignored: 31000 });
    assert.deepEqual(portBaseOf(15000, { portBase: 15000 }), { portBase: 15000 });
    assert.deepEqual(portBaseOf(undefined, { portBase: 15000 }), { portBase: 15000 });
  });
});
