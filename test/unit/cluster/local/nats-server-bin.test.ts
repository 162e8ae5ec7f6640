// Which nats-server the local provider runs: NATS_SERVER_BIN, the cached build of the pin (built
// with go install on first need, safely when two runs build at once), then PATH; too old refused
// with the three ways out, another version than the pin warned about once.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MIN_NATS_SERVER_VERSION, resolveNatsServer } from '../../../../cluster/local/nats-server-bin.js';
import { createRunner } from '../../../../core/command.js';
import { MissingToolError } from '../../../../core/errors.js';
import { cachedBinary, NATS_SERVER } from '../../../../core/go-tool.js';

const root = mkdtempSync(join(tmpdir(), 'nats-server-bin-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A folder with a fake nats-server that prints `version`. */
function fakeServer(version: string, name = 'nats-server'): string {
  const dir = join(root, `bin-${n++}`);
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A fake `go` whose `install pkg@vX` writes a fake nats-server vX into $GOBIN, slowly, and logs each build. */
function fakeGo(): { dir: string; builds: () => number } {
  const dir = join(root, `go-${n++}`);
  mkdirSync(dir);
  const log = join(dir, 'builds.log');
  writeFileSync(
    join(dir, 'go'),
    `#!/bin/sh
[ "$1" = install ] || exit 2
v="\${2##*@v}"
echo "$2" >> ${log}
sleep 0.3
printf '#!/bin/sh\\necho "nats-server: v%s"\\n' "$v" > "$GOBIN/nats-server.part"
chmod 755 "$GOBIN/nats-server.part"
mv "$GOBIN/nats-server.part" "$GOBIN/nats-server"
`,
  );
  chmodSync(join(dir, 'go'), 0o755);
  return { dir, builds: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0) };
}

function env(path: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: path.join(':'), HOME: root, TOOLS_CACHE: join(root, `cache-${n++}`), ...extra };
}

function resolveWith(e: NodeJS.ProcessEnv, opts: { explicit?: string; pinned?: string; dryRun?: boolean } = {}) {
  const said: string[] = [];
  const warned: string[] = [];
  const result = resolveNatsServer({
    env: e,
    pinned: opts.pinned ?? '2.14.2',
    ...(opts.explicit ? { explicit: opts.explicit } : {}),
    runner: createRunner(opts.dryRun ?? false),
    say: (l) => said.push(l),
    warn: (l) => warned.push(l),
  });
  return { result, said, warned };
}

const THREE_WAYS = [/install Go/, /NATS_SERVER_BIN/, /on PATH/];

describe('the nats-server the local provider runs', () => {
  it('takes NATS_SERVER_BIN first, even with another on PATH', async () => {
    const mine = fakeServer('2.14.2');
    const other = fakeServer('2.14.2');
    const { result, warned } = resolveWith(env([join(other, '..'), '/bin', '/usr/bin']), { explicit: mine });
    assert.deepEqual(await result, { path: mine, version: '2.14.2', source: 'NATS_SERVER_BIN' });
    assert.deepEqual(warned, []);
  });

  it('refuses a NATS_SERVER_BIN that is not executable, naming the three ways', async () => {
    const { result } = resolveWith(env(['/bin', '/usr/bin']), { explicit: '/nonexistent/nats-server' });
    await assert.rejects(result, (e: Error) => {
      assert.ok(e instanceof MissingToolError);
      assert.match(e.message, /NATS_SERVER_BIN is \/nonexistent\/nats-server, which is not an executable file/);
      for (const way of THREE_WAYS) assert.match(e.message, way);
      return true;
    });
  });

  it(`refuses a nats-server older than ${MIN_NATS_SERVER_VERSION} (Debian's 2.9), naming the three ways`, async () => {
    const old = fakeServer('2.9.10');
    const { result } = resolveWith(env([join(old, '..'), '/bin', '/usr/bin']));
    await assert.rejects(result, (e: Error) => {
      assert.match(e.message, new RegExp(`is nats-server 2\\.9\\.10, older than ${MIN_NATS_SERVER_VERSION.replace(/\./g, '\\.')}`));
      for (const way of THREE_WAYS) assert.match(e.message, way);
      return true;
    });
  });

  it('runs another supported version than the pin with one warning', async () => {
    const other = fakeServer('2.12.1');
    const { result, warned } = resolveWith(env([join(other, '..'), '/bin', '/usr/bin']));
    assert.deepEqual(await result, { path: other, version: '2.12.1', source: 'PATH' });
    assert.equal(warned.length, 1);
    assert.match(warned[0]!, /nats-server 2\.12\.1 .* is not the pinned 2\.14\.2/);
  });

  it('refuses a binary that is not nats-server', async () => {
    const dir = join(root, `bin-${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'nats-server'), '#!/bin/sh\necho "hello 1.2.3"\n');
    chmodSync(join(dir, 'nats-server'), 0o755);
    const { result } = resolveWith(env([dir, '/bin', '/usr/bin']));
    await assert.rejects(result, /printed 'hello 1\.2\.3', not a nats-server version/);
  });

  it('says what is missing when there is no Go and no binary, naming the three ways', async () => {
    const { result } = resolveWith(env(['/nonexistent']));
    await assert.rejects(result, (e: Error) => {
      assert.ok(e instanceof MissingToolError);
      assert.match(e.message, /no nats-server: NATS_SERVER_BIN is not set, Go is not installed to build it, and none is on PATH/);
      for (const way of THREE_WAYS) assert.match(e.message, way);
      return true;
    });
  });

  it('builds the pin with go once, into the cache, before looking at PATH, and says how long it took', async () => {
    const go = fakeGo();
    const onPath = fakeServer('2.14.2');
    const e = env([go.dir, join(onPath, '..'), '/bin', '/usr/bin']);
    const first = resolveWith(e);
    const built = await first.result;
    assert.equal(built.source, 'build');
    assert.equal(built.path, cachedBinary(NATS_SERVER, '2.14.2', e));
    assert.equal(built.version, '2.14.2');
    assert.match(first.said.join('\n'), /building nats-server v2\.14\.2 with go install/);
    assert.match(first.said.join('\n'), /built nats-server v2\.14\.2 in \d/);
    // A new process (another pin key) finds the cached build and does not build again.
    const again = await resolveWith({ ...e }, { pinned: 'v2.14.2' }).result;
    assert.equal(again.source, 'cache');
    assert.equal(go.builds(), 1);
  });

  it('leaves one whole binary and no scratch folders when two runs build at once', async () => {
    const go = fakeGo();
    const e = env([go.dir, '/bin', '/usr/bin']);
    const runs = ['2.13.0', 'v2.13.0'].map((pinned) => resolveWith(e, { pinned }).result);
    const [a, b] = await Promise.all(runs);
    assert.equal(a!.path, b!.path);
    assert.equal(go.builds(), 2);
    const dir = join(a!.path, '..');
    assert.deepEqual(readdirSync(dir), ['nats-server']);
    assert.match(readFileSync(a!.path, 'utf8'), /v2\.13\.0/);
  });

  it('only says it would build in a dry run', async () => {
    const go = fakeGo();
    const e = env([go.dir, '/bin', '/usr/bin']);
    const { result, said } = resolveWith(e, { dryRun: true });
    assert.equal((await result).source, 'build');
    assert.match(said.join('\n'), /would build nats-server v2\.14\.2/);
    assert.equal(go.builds(), 0);
    assert.equal(existsSync(cachedBinary(NATS_SERVER, '2.14.2', e)), false);
  });
});
