// The services image (services/Dockerfile), read as text: there is no Docker engine in the tests.
// A build stage makes the bundle; the image that runs is a supported Node LTS, not root, with the
// bundle and nothing to compile TypeScript.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVICES_IMAGE_COMMAND } from '../../../services/build.js';
import { ROOT } from '../../support/helpers.js';

interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** The stages, each with its instructions (comments and blank lines left out). */
function stages(dockerfile: string): Stage[] {
  const out: Stage[] = [];
  for (const line of dockerfile.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) out.push({ from: from[1]!, ...(from[2] ? { name: from[2] } : {}), lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** Node lines in long-term support: 22 (until April 2027) and 24 (until April 2028). */
const LTS = /^node:(22|24)(\.\d+)*-slim$/;

describe('the services image', () => {
  const all = stages(readFileSync(join(ROOT, 'services', 'Dockerfile'), 'utf8'));
  const build = all[0]!;
  const runtime = all.at(-1)!;
  const instructions = (s: Stage, word: string) => s.lines.filter((l) => l.toUpperCase().startsWith(`${word} `));

  it('is built in two stages: the bundle made by services/build.ts, then a runtime with only that', () => {
    assert.equal(all.length, 2);
    assert.ok(build.name, 'the build stage has a name');
    assert.ok(
      instructions(build, 'RUN').some((l) => /services\/build\.ts --out \/bundle\b/.test(l)),
      'the build stage runs the services build',
    );
    assert.deepEqual(instructions(runtime, 'COPY'), [`COPY --from=${build.name} /bundle/ ./`]);
    assert.deepEqual(instructions(runtime, 'WORKDIR'), ['WORKDIR /app']);
  });

  it('runs on a supported Node LTS, the same line it was built with', () => {
    assert.match(runtime.from, LTS);
    assert.equal(build.from, runtime.from);
  });

  it('runs as a numeric non-root user', () => {
    const users = instructions(runtime, 'USER').map((l) => l.split(/\s+/)[1]!);
    assert.equal(users.length, 1);
    assert.match(users[0]!, /^[1-9]\d*$/);
  });

  it('starts the bundle with plain node: no tsx, no npm, no TypeScript', () => {
    const entrypoint = instructions(runtime, 'ENTRYPOINT');
    assert.equal(entrypoint.length, 1);
    assert.deepEqual(JSON.parse(entrypoint[0]!.slice('ENTRYPOINT'.length)), SERVICES_IMAGE_COMMAND);
    assert.deepEqual(SERVICES_IMAGE_COMMAND, ['node', '/app/main.mjs']);
    assert.ok(!runtime.lines.some((l) => /tsx|npm|\.ts\b/.test(l)), runtime.lines.join('\n'));
  });
});
