// The services image: its name and the hash of the sources services/Dockerfile copies.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DOCKERFILE,
  dockerCopySources,
  PENDING_SERVICES_IMAGE,
  servicesImageOf,
  sourceHash,
} from '../../../../cluster/kubernetes/image-name.js';
import { readKubeSettings } from '../../../../core/settings.js';
import { ROOT } from '../../../support/helpers.js';

describe('the services image', () => {
  it('is built from what services/Dockerfile copies', () => {
    const sources = dockerCopySources(readFileSync(join(ROOT, DOCKERFILE), 'utf8'));
    assert.deepEqual(sources, ['core', 'nats', 'package-lock.json', 'package.json', 'services', 'tsconfig.json']);
    assert.deepEqual(dockerCopySources('FROM x AS b\nCOPY --from=b /app /app\nCOPY --chown=1000 a b ./\n'), ['a', 'b']);
  });

  it('is tagged by a hash of those files: the same for the same sources, new when one changes', () => {
    const copy = mkdtempSync(join(tmpdir(), 'image-src-'));
    try {
      for (const p of ['services', 'nats', 'core', 'package.json', 'package-lock.json', 'tsconfig.json'])
        cpSync(join(ROOT, p), join(copy, p), { recursive: true });
      const a = sourceHash(copy);
      assert.equal(sourceHash(copy), a);
      writeFileSync(join(copy, 'README.md'), 'not copied into the image');
      assert.equal(sourceHash(copy), a, 'a file the Dockerfile does not copy changes nothing');
      writeFileSync(join(copy, 'nats', 'client.ts'), '// changed\n', { flag: 'a' });
      assert.notEqual(sourceHash(copy), a);
      assert.match(servicesImageOf(false, undefined, copy), /^nats-sandbox-services:src-[0-9a-f]{12}$/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('is SERVICES_IMAGE for kube, a placeholder until it is given', () => {
    assert.equal(servicesImageOf(true, 'ghcr.io/me/svc:1'), 'ghcr.io/me/svc:1');
    assert.equal(servicesImageOf(true, undefined), PENDING_SERVICES_IMAGE);
    assert.equal(
      readKubeSettings({ SERVICES_IMAGE: `localhost:5000/svc@sha256:${'a'.repeat(64)}` }).servicesImage,
      `localhost:5000/svc@sha256:${'a'.repeat(64)}`,
    );
    assert.throws(() => readKubeSettings({ SERVICES_IMAGE: 'svc:' }), /SERVICES_IMAGE must be an image reference/);
  });
});
