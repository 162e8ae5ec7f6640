// `npm ci` on a fresh machine installs from package-lock.json and refuses a lock that lacks an
// optional dependency some package declares. The registry this project is built against lacks
// biome's binaries for other platforms, so a plain `npm install` here can drop their entries:
// this keeps every declared optional dependency in the lock (npm ci skips other platforms').
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../support/helpers.js';

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it('has an entry for every optional dependency a locked package declares', () => {
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((dep) => !lock.packages[`node_modules/${dep}`] && !lock.packages[`${path}/node_modules/${dep}`])
        .map((dep) => `${path || '(root)'} -> ${dep}`),
    );
    assert.deepEqual(missing, []);
  });
});
