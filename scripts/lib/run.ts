// How every command runs: its command line parsed and checked against its declaration first (bad
// input fails before any side effect), then the settings, then, for commands on a sandbox, the
// provider and the run's one invocation, the sandbox's lock for commands that change it, and the
// command's action. One place turns an error into its message and exit code.
import { chooseProvider, loadProvider } from '../../cluster/providers.js';
import { createInvocation, type Invocation, withNames } from '../../cluster/provider.js';
import { errorText, exitCode, UsageError } from '../../core/errors.js';
import { parseFlags } from '../../core/flags.js';
import { type ParsedArgs, parseContexts, validateNames } from '../../core/input.js';
import { lockSandbox } from '../../core/lock.js';
import { log, setQuiet } from '../../core/log.js';
import { loadEnvFile, readSettings } from '../../core/settings.js';
import { type Command, flagsOf, type SandboxCommand } from './command.js';
import { helpText } from './help.js';

function checkPositionals(command: Command, positionals: string[]): void {
  if (command.positionals === 'own') return;
  if (command.positionals === 'none') {
    if (positionals.length) throw new UsageError(`${command.name} takes no cluster names; got ${positionals.join(' ')}`);
    return;
  }
  if (command.positionals === 'topology' && positionals.length === 0)
    throw new UsageError(`${command.name} needs at least one cluster name, e.g. ${command.name} c1 c2 c3`);
  validateNames(positionals);
}

/** The topology selection of a command on a sandbox: names, provider, kube contexts, replicas. */
function selection(options: Record<string, unknown>, names: string[]): ParsedArgs {
  const contexts = parseContexts(options.context as string[]);
  const unknown = Object.keys(contexts).filter((n) => !names.includes(n));
  if (unknown.length) throw new UsageError(`--context names cluster(s) not in the list: ${unknown.join(', ')}`);
  const provider = options.provider as ParsedArgs['provider'];
  return {
    names,
    ...(provider ? { provider } : {}),
    contexts,
    replicas: (options.replicas as ParsedArgs['replicas'] | undefined) ?? {},
    dryRun: options['dry-run'] === true,
  };
}

/**
 * A command on part of a sandbox keeps the saved topology whole (the names given do not define
 * it): they are a selection (inv.args.names) and must be the sandbox's regions.
 */
function selectionOf(command: SandboxCommand, inv: Invocation): Invocation {
  let saved: ReturnType<Invocation['saved']>;
  try {
    saved = inv.saved();
  } catch (e) {
    if (command.name === 'delete') return inv; // delete works on unreadable state too
    throw e;
  }
  if (!saved) return inv;
  const unknown = inv.args.names.filter((n) => !saved.names.includes(n));
  if (unknown.length) throw new UsageError(`not a cluster of this sandbox: ${unknown.join(', ')} (it has ${saved.names.join(', ')})`);
  return withNames(inv, []);
}

async function dispatch(command: Command, argv: string[]): Promise<number> {
  const parsed = parseFlags(flagsOf(command), argv, `run '${command.name} --help' for the flags it takes`);
  if (parsed.help) {
    log.info(helpText(command));
    return 0;
  }
  const { options, positionals } = parsed;
  checkPositionals(command, positionals);
  command.check?.(options, positionals);
  loadEnvFile();
  const settings = readSettings();
  setQuiet(command.quiet?.(options) ?? false);
  if (command.needs === 'settings') return (await command.run({ options, positionals, settings })) ?? 0;

  const names = command.positionals === 'own' ? [] : positionals;
  const args = { ...selection(options, names), ...command.selects?.(options, names) };
  const detection = await chooseProvider(args.provider, settings.provider);
  log.info(`provider: ${detection.provider} (${detection.reason})${args.dryRun ? ' — dry run: nothing is changed' : ''}`);
  const provider = await loadProvider(detection.provider);
  const given = createInvocation(args, settings, provider);
  const invocation = command.positionals === 'topology' ? given : selectionOf(command, given);
  const ctx = { options, positionals, settings, provider, invocation };
  const prepared = await command.prepare?.(ctx);
  // One command that changes the sandbox at a time; looking at it needs no lock.
  const release =
    command.mutates && !args.dryRun ? lockSandbox(settings.sandboxDir, `${command.name} ${argv.join(' ')}`.trim()) : () => undefined;
  try {
    return (await command.run({ ...ctx, prepared })) ?? 0;
  } finally {
    release();
  }
}

/** Run a command; returns the exit code (2 for usage errors, 1 for failures). */
export async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    return await dispatch(command, argv);
  } catch (e) {
    log.error(errorText(e));
    return exitCode(e);
  }
}
