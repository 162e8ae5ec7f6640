// .env.example documents the defaults the code has, and names a k3d config that exists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { CHART_VERSION_DEFAULTS, KUBE_DEFAULTS } from '../../../core/settings.js';
import { ROOT } from '../../support/helpers.js';

describe('.env.example', () => {
  it('documents the pinned chart versions and Kubernetes settings the code defaults to', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const values = Object.fromEntries([...text.matchAll(/^(?:# )?([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    for (const [k, v] of Object.entries({ ...CHART_VERSION_DEFAULTS, ...KUBE_DEFAULTS }))
      assert.equal(values[k], v, `${k} in .env.example`);
  });

  it('names a k3d config that exists: 2 agents, one shared network, traefik off', () => {
    const config = YAML.parse(readFileSync(join(ROOT, KUBE_DEFAULTS.K3D_CONFIG), 'utf8'));
    assert.equal(config.apiVersion, 'k3d.io/v1alpha5');
    assert.equal(config.kind, 'Simple');
    assert.equal(config.agents, 2);
    assert.equal(typeof config.network, 'string');
    assert.ok(config.options.k3s.extraArgs.some((a: { arg: string }) => a.arg === '--disable=traefik'));
    assert.equal(config.metadata, undefined, 'the name comes from the command line');
  });
});
