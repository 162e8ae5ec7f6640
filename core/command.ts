// The one way external commands run: adds the kube context, logs with the cluster prefix,
// honours --dry-run, and turns failures into a message naming cluster, command and fix.

import { execFileSync } from 'node:child_process';
import { CommandError, type CommandResult } from './errors.js';
import { commandHint } from './hint.js';
import { log } from './log.js';

export type { CommandResult };

export interface CommandOptions {
  /** Cluster name this command is for (log prefix, error message). */
  cluster?: string;
  /** kubectl context: added as --context (kubectl, linkerd) or --kube-context (helm). */
  context?: string;
  /** What the user can do when this fails. */
  fix?: string;
  /** Data for stdin. */
  input?: string;
  /**
   * A read that decides what to do next. In dry-run it is not run either: `assume` is returned and
   * reported as an assumption.
   */
  read?: boolean;
  assume?: string;
  /** Do not log the command line (still logged on failure). */
  silent?: boolean;
  /** Time limit in ms. */
  timeout?: number;
  /** Variables added to the environment. */
  env?: Record<string, string>;
}

export const INSTALL_HINTS: Record<string, string> = {
  docker: 'install Docker Engine or Docker Desktop: https://docs.docker.com/engine/install/',
  k3d: 'install k3d: https://k3d.io/stable/#installation (or `brew install k3d`)',
  kubectl: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (or `brew install kubectl`)',
  helm: 'install helm: https://helm.sh/docs/intro/install/ (or `brew install helm`)',
  linkerd: 'install the linkerd CLI: https://linkerd.io/2-edge/getting-started/ (curl -sL https://run.linkerd.io/install-edge | sh)',
  'nats-server': `install Go and run \`${commandHint('tools')}\` (builds the pinned nats-server), or set NATS_SERVER_BIN to a nats-server binary`,
  openssl: 'install openssl: `apt-get install openssl` or `brew install openssl`',
};

/** The argument list with the kube context added where the tool takes one. */
export function withContext(cmd: readonly string[], context?: string): string[] {
  if (!context) return [...cmd];
  const [tool, ...rest] = cmd;
  if (tool === 'kubectl' || tool === 'linkerd') return [tool, '--context', context, ...rest];
  if (tool === 'helm') return [tool, '--kube-context', context, ...rest];
  return [...cmd];
}

/**
 * A quick question to a local program (`mysqld --version`, `ps -o args=`), answered at once and
 * synchronously: its output, or undefined when it cannot run. It changes nothing, so a dry run
 * asks it too; it is not logged. (Background processes are started by cluster/local/processes.ts.)
 */
export function probe(cmd: readonly string[], timeoutMs = 10_000): string | undefined {
  try {
    return execFileSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The command as a POSIX shell line, for logs and plans (single quotes only where needed). */
export function commandLine(cmd: readonly string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export interface Runner {
  dryRun: boolean;
  run(cmd: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
  /** Every command line this runner was asked for, in order (dry-run plans, tests). */
  readonly history: string[];
}

function tail(text: string, lines = 12): string {
  const all = text.trim().split('\n');
  return all.slice(-lines).join('\n');
}

export function createRunner(dryRun: boolean): Runner {
  const history: string[] = [];
  const say = (cluster: string | undefined, msg: string) => (cluster ? log.cluster(cluster, msg) : log.info(msg));
  return {
    dryRun,
    history,
    async run(cmd, opts = {}) {
      const full = withContext(cmd, opts.context);
      const line = commandLine(full);
      history.push(opts.cluster ? `[${opts.cluster}] ${line}` : line);
      if (dryRun) {
        say(opts.cluster, opts.read ? `assume: ${opts.assume ?? '(nothing)'}  ← would read: ${line}` : `would run: ${line}`);
        return { stdout: opts.assume ?? '', stderr: '', exitCode: 0 };
      }
      if (!opts.silent) say(opts.cluster, `$ ${line}`);
      // zx only when a command runs: loading it costs a script's start a noticeable part of a second.
      const { $ } = await import('zx');
      const p = $({
        quiet: true,
        nothrow: true,
        ...(opts.input !== undefined ? { input: opts.input } : {}),
        ...(opts.timeout ? { timeout: opts.timeout } : {}),
        ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      })`${full}`;
      let out: Awaited<typeof p>;
      try {
        out = await p;
      } catch (e) {
        throw new CommandError(`${opts.cluster ? `[${opts.cluster}] ` : ''}could not run '${line}': ${(e as Error).message}`, undefined, {
          cause: e,
        });
      }
      const result = { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode ?? 1 };
      if (result.exitCode !== 0) {
        const tool = full[0]!;
        const notFound = result.exitCode === 127 || /ENOENT|command not found/.test(result.stderr);
        const fix = notFound ? (INSTALL_HINTS[tool] ?? `install ${tool}`) : opts.fix;
        const where = opts.cluster ? `cluster ${opts.cluster}: ` : '';
        const detail = tail(result.stderr || result.stdout) || '(no output)';
        throw new CommandError(
          `${where}'${line}' failed with exit code ${result.exitCode}\n${detail}${fix ? `\nfix: ${fix}` : ''}`,
          result,
        );
      }
      return result;
    },
  };
}
