// Which nats-server the local provider runs: NATS_SERVER_BIN, else the pinned version built once
// into the tools cache (when Go is installed), else nats-server on PATH. Older than the oldest
// version the sandbox supports is refused; another version than the pin runs, with a warning.
import { createRunner, type Runner } from '../../core/command.js';
import { MissingToolError } from '../../core/errors.js';
import { locateGoTool, NATS_SERVER, toolsCacheDir } from '../../core/go-tool.js';
import { compareVersions, parseVersion } from '../../core/version.js';

/**
 * The oldest nats-server the sandbox runs: 2.10 brought the route settings its configs write
 * (`pool_size`, `compression`: 2.9 refuses both keys) and every server's count of the meta group in
 * /jsz; 2.11 the meta leader step-down to a preferred server that convergence uses.
 */
export const MIN_NATS_SERVER_VERSION = '2.11.0';

export interface NatsServerBinary {
  path: string;
  version: string;
  /** Where it was found. */
  source: 'NATS_SERVER_BIN' | 'cache' | 'build' | 'PATH';
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  /** The pinned version (NATS_SERVER_VERSION). */
  pinned: string;
  /** NATS_SERVER_BIN. */
  explicit?: string;
  /** Runs `go install` (a dry run only says it would build). */
  runner: Runner;
  say: (line: string) => void;
  warn: (line: string) => void;
}

/** The three ways to get a usable nats-server, for every refusal. */
export function natsServerFix(pinned: string): string {
  return (
    `install Go (https://go.dev/dl/), and the sandbox builds nats-server ${pinned} on first use; ` +
    `or set NATS_SERVER_BIN to a nats-server ${MIN_NATS_SERVER_VERSION} or newer (a release from https://github.com/nats-io/nats-server/releases); ` +
    `or put such a nats-server on PATH (go install ${NATS_SERVER.pkg}@v${pinned})`
  );
}

const probed = new Map<string, string>();

/** `<path> --version`, asked once per binary and process. */
async function versionOf(path: string, pinned: string): Promise<string> {
  const known = probed.get(path);
  if (known) return known;
  const fix = natsServerFix(pinned);
  let out: string;
  try {
    // Asking a binary its version changes nothing, so it runs in a dry run too.
    out = (await createRunner(false).run([path, '--version'], { silent: true, timeout: 10_000, fix })).stdout;
  } catch (e) {
    throw new MissingToolError(`${path} does not run as nats-server (${(e as Error).message.split('\n')[0]})\nfix: ${fix}`, { cause: e });
  }
  const version = parseVersion(out);
  if (!version || !/nats-server/.test(out)) {
    throw new MissingToolError(`${path} --version printed '${out.trim()}', not a nats-server version\nfix: ${fix}`);
  }
  probed.set(path, version);
  return version;
}

async function checked(bin: NatsServerBinary, opts: ResolveOptions): Promise<NatsServerBinary> {
  if (compareVersions(bin.version, MIN_NATS_SERVER_VERSION) < 0) {
    const from = bin.source === 'PATH' ? 'on PATH' : bin.source === 'NATS_SERVER_BIN' ? '(NATS_SERVER_BIN)' : '';
    throw new MissingToolError(
      `${bin.path} ${from} is nats-server ${bin.version}, older than ${MIN_NATS_SERVER_VERSION}, the oldest the sandbox runs\nfix: ${natsServerFix(opts.pinned)}`,
    );
  }
  if (compareVersions(bin.version, opts.pinned) !== 0) {
    opts.warn(`nats-server ${bin.version} at ${bin.path} is not the pinned ${opts.pinned} (NATS_SERVER_VERSION): running it anyway`);
  }
  return bin;
}

const resolved = new Map<string, Promise<NatsServerBinary>>();

/**
 * The nats-server to run, built when needed; refuses a missing or too old one before anything
 * starts. Once per process and environment (install asks in stages 01 and 06).
 */
export function resolveNatsServer(opts: ResolveOptions): Promise<NatsServerBinary> {
  const key = JSON.stringify([opts.explicit, opts.pinned, opts.runner.dryRun, toolsCacheDir(opts.env), opts.env.PATH]);
  let found = resolved.get(key);
  if (!found) {
    found = resolve(opts);
    resolved.set(key, found);
    found.catch(() => resolved.delete(key));
  }
  return found;
}

async function resolve(opts: ResolveOptions): Promise<NatsServerBinary> {
  const fix = natsServerFix(opts.pinned);
  const found = await locateGoTool(NATS_SERVER, opts.pinned, opts);
  if (!found && opts.explicit)
    throw new MissingToolError(`NATS_SERVER_BIN is ${opts.explicit}, which is not an executable file\nfix: ${fix}`);
  if (!found) {
    throw new MissingToolError(
      `no nats-server: NATS_SERVER_BIN is not set, Go is not installed to build it, and none is on PATH\nfix: ${fix}`,
    );
  }
  const source = found.source === 'explicit' ? 'NATS_SERVER_BIN' : found.source;
  // A dry run plans a build it does not make: the binary will be the pinned version.
  if (found.source === 'build' && opts.runner.dryRun) return { path: found.path, version: opts.pinned, source };
  return checked({ path: found.path, version: await versionOf(found.path, opts.pinned), source }, opts);
}
