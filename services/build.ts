// The services' build: services/main.ts and everything it imports, node_modules included, bundled
// by esbuild into plain JavaScript that `node` runs with no TypeScript compiler beside it. The
// local sandbox runs the cached build below; the image's build stage runs this module's CLI:
//   node --import tsx services/build.ts --out DIR     (DIR/main.mjs and its chunks)
//
// The cache (dist/services/): one folder per build, named by a hash of what it holds, never
// changed once there, and build.json naming the current one with the sources it was made from
// (every input esbuild read, with its sha256). A build is written to a temporary folder and
// renamed into place, so a process never starts half a build, even with two stage 08 runs at once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SandboxError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/settings.js';

/** What the image runs (services/Dockerfile's ENTRYPOINT, the Kubernetes containers' command). */
export const SERVICES_IMAGE_COMMAND: readonly string[] = ['node', '/app/main.mjs'];

const ENTRY = 'services/main.ts';
const ENTRY_OUT = 'main.mjs';
/** Builds kept beside the current one: a sandbox still running one keeps it while it restarts. */
const KEEP_BUILDS = 3;
/** A temporary folder this old is a build that was killed. */
const STALE_TEMP_MS = 10 * 60_000;

/** The oldest Node that package.json accepts (engines: ">=20"): the bundle's language target. */
export function nodeTarget(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const major = /^>=\s*(\d+)/.exec(pkg.engines?.node ?? '')?.[1];
  if (!major) throw new SandboxError(`package.json: engines.node must read ">=<major>" to set the services build's target`);
  return `node${major}`;
}

/**
 * esbuild's options. Everything bundled: the image needs no node_modules, only these files (a
 * services host takes the same memory as one loading its packages from node_modules: 61-64 MiB
 * either way, against 85-87 MiB with tsx and its esbuild process). Split into chunks, so a host
 * never loads what only the requester or the stage 07 apply import (zx's chalk, the JetStream
 * spec): in one file their code would load with everything else. ESM, because
 * core/settings.ts reads import.meta.url; CommonJS packages inside get a `require` of their own.
 * Not minified: readable stack traces in the hosts' logs for about 1 MiB a process.
 */
function buildOptions(root: string, outdir: string) {
  return {
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: nodeTarget(root),
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'silent' as const,
  };
}

/** What makes a different build from the same sources: the options and esbuild's version. */
function recipe(root: string, esbuildVersion: string): string {
  // Where it runs and writes is not part of it (JSON leaves the undefined out).
  const options = { ...buildOptions(root, ''), absWorkingDir: undefined, outdir: undefined };
  return createHash('sha256').update(JSON.stringify({ esbuildVersion, options })).digest('hex');
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (e) {
    throw new SandboxError(`the services build needs esbuild (installed with tsx): ${(e as Error).message}\nfix: npm ci`);
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Builds of this process under way (esbuild's one service serves them all). */
let running = 0;

/** Bundle into `outdir` (made if missing); the input files, relative to `root`, by their hashes. */
export async function bundleServices(outdir: string, root: string = PROJECT_ROOT): Promise<Record<string, string>> {
  const esbuild = await loadEsbuild();
  mkdirSync(outdir, { recursive: true });
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  running++;
  try {
    result = await esbuild.build(buildOptions(root, outdir));
  } catch (e) {
    throw new SandboxError(
      `the services build failed:\n${(e as Error).message}\nfix: correct the error above; npx tsc --noEmit -p . shows it too`,
    );
  } finally {
    // No esbuild process left beside a long command (install goes on for a while), once no
    // other build of this process needs it.
    if (--running === 0) await esbuild.stop();
  }
  const inputs: Record<string, string> = {};
  // Files only: an input of esbuild's own (none so far) has no file to hash.
  for (const input of Object.keys(result.metafile!.inputs).sort())
    if (existsSync(resolve(root, input))) inputs[input] = sha256(resolve(root, input));
  return inputs;
}

/** build.json: the current build and the sources it was made from. */
interface BuildRecord {
  id: string;
  recipe: string;
  /** Its files, relative to its folder. */
  files: string[];
  /** Each input esbuild read (relative to the project root) with its sha256. */
  inputs: Record<string, string>;
}

export interface ServicesBuild {
  /** The hash that names it: a new build, a new command line for the processes that run it. */
  id: string;
  /** The file node runs. */
  entry: string;
}

export interface BuildCheck {
  /** The build the sources make, when it is in place. */
  current?: ServicesBuild;
  /** Why it must be built (when `current` is missing): "first build", "2 sources changed". */
  reason?: string;
}

export const servicesBuildPaths = (root: string = PROJECT_ROOT) => {
  const dir = join(root, 'dist', 'services');
  return { dir, record: join(dir, 'build.json') };
};

function readRecord(file: string): BuildRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as BuildRecord;
    return typeof r.id === 'string' && Array.isArray(r.files) && r.inputs && typeof r.inputs === 'object' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the cached build is the one the sources make now; reads and hashes, builds nothing. */
export async function checkServicesBuild(root: string = PROJECT_ROOT): Promise<BuildCheck> {
  const paths = servicesBuildPaths(root);
  const record = readRecord(paths.record);
  if (!record) return { reason: 'first build' };
  if (record.recipe !== recipe(root, (await loadEsbuild()).version)) return { reason: 'build options or esbuild changed' };
  const folder = join(paths.dir, record.id);
  if (!record.files.every((f) => existsSync(join(folder, f)))) return { reason: 'build output missing' };
  const changed = Object.entries(record.inputs).filter(([input, hash]) => {
    const file = resolve(root, input);
    return !existsSync(file) || sha256(file) !== hash;
  });
  if (changed.length) return { reason: changed.length === 1 ? `${changed[0]![0]} changed` : `${changed.length} sources changed` };
  return { current: { id: record.id, entry: join(folder, ENTRY_OUT) } };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** A hash of a build's files, names and contents: equal builds share a folder. */
function outputId(dir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files)
    h.update(`${f}\0`)
      .update(readFileSync(join(dir, f)))
      .update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Remove builds beyond the newest few (never `keep`) and temporary folders of killed builds. */
function prune(dir: string, keep: string): void {
  const now = Date.now();
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  const mtime = (name: string) => statSync(join(dir, name)).mtimeMs;
  for (const e of entries.filter((x) => x.name.startsWith('.tmp-') && now - mtime(x.name) > STALE_TEMP_MS))
    rmSync(join(dir, e.name), { recursive: true, force: true });
  const builds = entries
    .filter((e) => /^[0-9a-f]{16}$/.test(e.name) && e.name !== keep)
    .map((e) => ({ name: e.name, mtime: mtime(e.name) }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const b of builds.slice(KEEP_BUILDS - 1)) rmSync(join(dir, b.name), { recursive: true, force: true });
}

export interface EnsuredBuild extends ServicesBuild {
  /** Set when this call built it: why, and how long it took. */
  built?: { reason: string; seconds: number };
}

/** The current build of the services, built first when the sources changed since the last one. */
export async function ensureServicesBuild(root: string = PROJECT_ROOT): Promise<EnsuredBuild> {
  const check = await checkServicesBuild(root);
  if (check.current) return check.current;
  const started = performance.now();
  const paths = servicesBuildPaths(root);
  mkdirSync(paths.dir, { recursive: true });
  const temp = join(paths.dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    const inputs = await bundleServices(temp, root);
    const files = filesUnder(temp);
    const id = outputId(temp, files);
    const folder = join(paths.dir, id);
    if (existsSync(folder)) rmSync(temp, { recursive: true, force: true });
    else {
      try {
        renameSync(temp, folder);
      } catch (e) {
        // Another run put the same build there first: its files are these.
        if (!existsSync(folder)) throw e;
        rmSync(temp, { recursive: true, force: true });
      }
    }
    const record: BuildRecord = { id, recipe: recipe(root, (await loadEsbuild()).version), files, inputs };
    const tempRecord = `${paths.record}.${process.pid}.tmp`;
    writeFileSync(tempRecord, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(tempRecord, paths.record);
    prune(paths.dir, id);
    return {
      id,
      entry: join(folder, ENTRY_OUT),
      built: { reason: check.reason ?? 'sources changed', seconds: (performance.now() - started) / 1000 },
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** CLI of the image's build stage: bundle into --out. */
async function cli(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new SandboxError('usage: node --import tsx services/build.ts --out DIR');
  const started = performance.now();
  const inputs = await bundleServices(resolve(values.out));
  process.stdout.write(
    `services bundled from ${Object.keys(inputs).length} files into ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)}s\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
