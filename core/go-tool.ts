// The pinned Go tools (nats-server, the nats CLI): an explicit binary, else a build of the pinned
// version cached outside the repository (made once with `go install`), else the one on PATH.
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Runner } from './command.js';
import { formatDuration } from './log.js';

export interface GoTool {
  /** The binary's name. */
  name: string;
  /** What `go install` builds (without @version). */
  pkg: string;
  /** The environment variable that names a binary to use instead. */
  binEnv: string;
}

export const NATS_SERVER: GoTool = { name: 'nats-server', pkg: 'github.com/nats-io/nats-server/v2', binEnv: 'NATS_SERVER_BIN' };
export const NATS_CLI: GoTool = { name: 'nats', pkg: 'github.com/nats-io/natscli/nats', binEnv: 'NATS_CLI_BIN' };

/** The nats CLI that judges the sandbox in the tests (and whose contexts `contexts` writes). */
export const NATS_CLI_VERSION = '0.5.0';

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH (and the sbin folders Debian installs servers to). */
export function onPath(name: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extra];
  return dirs.map((dir) => join(dir, name)).find(executable);
}

/** Where built tools are kept: TOOLS_CACHE, else $XDG_CACHE_HOME or ~/.cache, in a folder of ours. */
export function toolsCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.TOOLS_CACHE) return env.TOOLS_CACHE;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'nats-supercluster-sandbox');
}

const withV = (version: string) => (version.startsWith('v') ? version : `v${version}`);

/** The cached build of `tool` at `version` (it may not exist yet). */
export function cachedBinary(tool: GoTool, version: string, env: NodeJS.ProcessEnv): string {
  return join(toolsCacheDir(env), tool.name, withV(version), tool.name);
}

/** The go binary, when Go is on PATH. */
export function findGo(env: NodeJS.ProcessEnv): string | undefined {
  return onPath('go', env);
}

/**
 * Build `tool` at `version` into the cache with `go install`. Each build goes to a folder of its
 * own and is renamed into place (atomic), so runs that build at once never leave a partial binary.
 */
export async function buildCached(
  tool: GoTool,
  version: string,
  opts: { env: NodeJS.ProcessEnv; go: string; runner: Runner; say: (line: string) => void },
): Promise<string> {
  const target = cachedBinary(tool, version, opts.env);
  const dir = join(target, '..');
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(dir, '.build-'));
  const started = performance.now();
  opts.say(`building ${tool.name} ${withV(version)} with go install into ${dir} (once; a minute or two)`);
  try {
    await opts.runner.run([opts.go, 'install', `${tool.pkg}@${withV(version)}`], {
      env: { GOBIN: scratch, GOFLAGS: '-mod=mod' },
      silent: true,
      timeout: 15 * 60_000,
      fix: `check that Go reaches its module proxy (go env GOPROXY), or set ${tool.binEnv} to a ${tool.name} binary`,
    });
    renameSync(join(scratch, tool.name), target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  opts.say(`built ${tool.name} ${withV(version)} in ${formatDuration(performance.now() - started)}: ${target}`);
  return target;
}

export interface LocatedTool {
  path: string;
  /** The variable that named it, the cache, a build made now (or planned, in a dry run), or PATH. */
  source: 'explicit' | 'cache' | 'build' | 'PATH';
}

export interface LocateOptions {
  env: NodeJS.ProcessEnv;
  /** The binary the user named (e.g. NATS_SERVER_BIN); it must be executable. */
  explicit?: string;
  runner: Runner;
  say: (line: string) => void;
  /** Folders searched after PATH. */
  extraDirs?: readonly string[];
}

/**
 * `tool` at `version`: the binary named explicitly, else the cached build, else a build made now
 * when Go is installed (a dry run only says so), else the one on PATH; undefined when none.
 */
export async function locateGoTool(tool: GoTool, version: string, opts: LocateOptions): Promise<LocatedTool | undefined> {
  if (opts.explicit) return executable(opts.explicit) ? { path: opts.explicit, source: 'explicit' } : undefined;
  const cached = cachedBinary(tool, version, opts.env);
  if (executable(cached)) return { path: cached, source: 'cache' };
  const go = findGo(opts.env);
  if (go) {
    if (opts.runner.dryRun) {
      opts.say(`would build ${tool.name} ${withV(version)} with go install into ${cached}`);
      return { path: cached, source: 'build' };
    }
    return { path: await buildCached(tool, version, { env: opts.env, go, runner: opts.runner, say: opts.say }), source: 'build' };
  }
  const found = onPath(tool.name, opts.env, opts.extraDirs);
  return found ? { path: found, source: 'PATH' } : undefined;
}
