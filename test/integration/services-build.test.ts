// The services build (services/build.ts) on a copy of the sources: built once and then reused,
// built again when a source changes (a new folder, so the processes see a new command line), two
// builds at once leave one whole build, and the bundle runs with plain node and no node_modules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkServicesBuild, ensureServicesBuild, nodeTarget, servicesBuildPaths } from '../../services/build.js';
import { ROOT } from '../support/helpers.js';

describe('the services build', { timeout: 120_000 }, () => {
  let root: string;
  const mainTs = () => join(root, 'services', 'main.ts');
  /** A change to what the bundle does (a comment alone changes no output). */
  const changeUsage = (tag: string) =>
    writeFileSync(mainTs(), readFileSync(mainTs(), 'utf8').replace(/`usage: main\.mjs[^<]*</, `\`usage: main.mjs ${tag} <`));
  const builds = () => readdirSync(servicesBuildPaths(root).dir).filter((n) => /^[0-9a-f]{16}$/.test(n));

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'services-build-'));
    for (const p of ['services', 'core', 'nats', 'package.json', 'tsconfig.json'])
      cpSync(join(ROOT, p), join(root, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('targets the oldest Node that package.json accepts', () => {
    const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node as string;
    assert.equal(nodeTarget(root), `node${/\d+/.exec(engines)![0]}`);
  });

  it('builds once, then reuses the build while no source changes', async () => {
    assert.deepEqual(await checkServicesBuild(root), { reason: 'first build' });
    const first = await ensureServicesBuild(root);
    assert.equal(first.built?.reason, 'first build');
    const again = await ensureServicesBuild(root);
    assert.deepEqual(again, { id: first.id, entry: first.entry });
  });

  it('runs with plain node alone: every chunk loads away from any node_modules', async () => {
    const { entry } = await ensureServicesBuild(root);
    const away = mkdtempSync(join(tmpdir(), 'services-bundle-'));
    try {
      cpSync(dirname(entry), away, { recursive: true });
      const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: away, env: { PATH: process.env.PATH }, encoding: 'utf8' });
      const usage = run(['main.mjs']);
      assert.equal(usage.status, 2, usage.stderr);
      assert.match(usage.stderr, /usage: main\.mjs <adder\|subtractor\|multiplier\|divider\|recorder\|requester\|jetstream-apply>/);
      const badRoles = run(['main.mjs', 'host', '--roles', 'nope']);
      assert.equal(badRoles.status, 2);
      assert.match(badRoles.stderr, /unknown role\(s\) nope/);
      // The chunks only the requester and the stage 07 apply load, too (main.mjs runs when loaded).
      const chunks = readdirSync(away)
        .filter((f) => f !== 'main.mjs')
        .map((f) => `./${f}`);
      const load = run(['--input-type=module', '-e', `for (const c of ${JSON.stringify(chunks)}) await import(c);`]);
      assert.equal(load.status, 0, load.stderr);
    } finally {
      rmSync(away, { recursive: true, force: true });
    }
  });

  it('builds again when a source changes, into a new folder, keeping the one before', async () => {
    const before = await ensureServicesBuild(root);
    changeUsage('changed');
    assert.deepEqual(await checkServicesBuild(root), { reason: 'services/main.ts changed' });
    const after = await ensureServicesBuild(root);
    assert.equal(after.built?.reason, 'services/main.ts changed');
    assert.notEqual(after.id, before.id);
    assert.ok(builds().includes(before.id) && builds().includes(after.id));
  });

  it('leaves one whole build when two run at once, and keeps only the newest few', async () => {
    for (const tag of ['tag-a', 'tag-b', 'tag-c']) {
      changeUsage(tag);
      const [x, y] = await Promise.all([ensureServicesBuild(root), ensureServicesBuild(root)]);
      assert.equal(x.id, y.id);
      const r = spawnSync(process.execPath, [x.entry], { encoding: 'utf8' });
      assert.match(r.stderr, new RegExp(`usage: main\\.mjs ${tag}`));
    }
    assert.equal(builds().length, 3);
    assert.deepEqual(
      readdirSync(servicesBuildPaths(root).dir).filter((n) => n.startsWith('.tmp-') || n.endsWith('.tmp')),
      [],
      'no temporary files left',
    );
  });
});
