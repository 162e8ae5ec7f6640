// Every error the sandbox raises, in one module, and the one rule that turns an error into an
// exit code: 2 for input the user can correct before anything runs, 1 for what failed at run time.
import { ClientConfigError, StreamLeaderError, TopologyError } from '../nats/errors.js';

export { ClientConfigError, StreamLeaderError, TopologyError };

/** Bad input (flags, names, settings): found before any side effect. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** An external command failed; the message names the cluster, the command and the fix. Exit 1. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly result?: CommandResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A tool the chosen provider needs is not installed; the message says how to install it. Exit 1. */
export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** The sandbox did not get where it should (did not converge, a process died, a wait ran out). Exit 1. */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

const USAGE: readonly (abstract new (...args: never[]) => Error)[] = [UsageError, TopologyError, ClientConfigError];
const KNOWN: readonly (abstract new (...args: never[]) => Error)[] = [
  ...USAGE,
  CommandError,
  MissingToolError,
  SandboxError,
  StreamLeaderError,
];

/** The process exit code for an error: 2 for usage errors, 1 for everything else. */
export function exitCode(e: unknown): 1 | 2 {
  return USAGE.some((k) => e instanceof k) ? 2 : 1;
}

/** Whether this is one of ours (its message is written for the user) rather than a bug. */
function isKnownError(e: unknown): e is Error {
  return KNOWN.some((k) => e instanceof k);
}

/**
 * What the user reads: our errors' messages as they are; anything else (a bug) by its message,
 * with its stack only when DEBUG is set.
 */
export function errorText(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (isKnownError(e)) return e.message;
  const fs = filesystemText(e);
  if (fs) return fs;
  const err = e instanceof Error ? e : new Error(String(e));
  if (env.DEBUG) return err.stack ?? err.message;
  return `${err.message}\n(an unexpected error: run again with DEBUG=1 for its stack, and report it)`;
}

/** Errors of the file system the user can act on (a path not writable, a full disk): not bugs. */
const FILESYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EDQUOT']);

function filesystemText(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!(err instanceof Error) || !err.code || !FILESYSTEM_CODES.has(err.code) || !err.path) return undefined;
  const fix =
    err.code === 'ENOSPC' || err.code === 'EDQUOT'
      ? 'free some disk space there, or point SANDBOX_DIR at another disk'
      : `point SANDBOX_DIR at a directory you can write (it holds the sandbox's state), or make ${err.path} writable`;
  return `cannot write ${err.path}: ${err.message}\nfix: ${fix}`;
}
