// How every command runs: its command line parsed and checked against its declaration first (bad
// input fails before any side effect), then the settings, then, for commands on a sandbox, the
// provider and the run's one invocation, the sandbox's lock for commands that change it, and the
// command's action. One place turns an error into its message and exit code.

import { createInvocation, type Invocation, withNames } from '../../cluster/provider.js';
import { chooseProvider, loadProvider } from '../../cluster/providers.js';
import { errorText, exitCode, UsageError } from '../../core/errors.js';
import { parseFlags } from '../../core/flags.js';
import { type ParsedArgs, parseContexts, splitNames, validateEdges, validateNames } from '../../core/input.js';
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
  const { names, edges } = splitNames(positionals);
  if (edges.length && command.positionals !== 'topology')
    throw new UsageError(
      `${command.name} takes region names; edge sites (${edges.map((e) => `${e.name}@${e.hub}`).join(', ')}) are named to install`,
    );
  if (edges.length && !names.length) throw new UsageError(`${command.name} needs the regions with the edge sites, e.g. c1 c2 c3 e1@c1`);
  validateNames(names);
  validateEdges(edges, names);
}

/** The topology selection of a command on a sandbox: names, provider, kube contexts, replicas. */
function selection(options: Record<string, unknown>, names: string[]): ParsedArgs {
  const contexts = parseContexts((options.context as string[] | undefined) ?? []);
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
  const edges = (saved.edges ?? []).map((e) => e.name);
  const known = command.takesEdgeSites ? [...saved.names, ...edges] : saved.names;
  const unknown = inv.args.names.filter((n) => !known.includes(n));
  const edgeNamed = unknown.filter((n) => edges.includes(n));
  if (edgeNamed.length)
    throw new UsageError(
      `${edgeNamed.join(', ')}: an edge site; ${command.name} takes regions of this sandbox (${saved.names.join(', ')})`,
    );
  if (unknown.length) throw new UsageError(`not a cluster of this sandbox: ${unknown.join(', ')} (it has ${known.join(', ')})`);
  return withNames(inv, []);
}

export interface CommandLine {
  help: boolean;
  options: Record<string, unknown>;
  positionals: string[];
  /** The topology selection (commands on a sandbox). */
  selection: ParsedArgs;
}

/** A command line checked against the command's declaration; nothing runs. */
export function parseCommandLine(command: Command, argv: readonly string[]): CommandLine {
  const parsed = parseFlags(flagsOf(command), argv, `run '${command.name} --help' for the flags it takes`);
  const { options, positionals } = parsed;
  if (parsed.help) return { help: true, options, positionals, selection: { names: [], contexts: {}, replicas: {}, dryRun: false } };
  checkPositionals(command, positionals);
  command.check?.(options, positionals);
  const { names, edges } = command.positionals === 'own' ? { names: [], edges: [] } : splitNames(positionals);
  const base =
    command.needs === 'sandbox'
      ? {
          ...selection(options, names),
          ...command.selects?.(
            options,
            names,
            edges.map((e) => e.name),
          ),
        }
      : selection({}, names);
  const selected = edges.length ? { ...base, edges } : base;
  // The command gets its own flags; the sandbox's are in the selection.
  const own = Object.fromEntries(Object.keys(command.flags).map((k) => [k, options[k]]));
  return { help: false, options: own, positionals, selection: selected };
}

async function dispatch(command: Command, argv: string[]): Promise<number> {
  const line = parseCommandLine(command, argv);
  if (line.help) {
    log.info(helpText(command));
    return 0;
  }
  const { options, positionals, selection: args } = line;
  loadEnvFile();
  const settings = readSettings();
  setQuiet(command.quiet?.(options) ?? false);
  if (command.needs === 'settings') return (await command.run({ options, positionals, settings })) ?? 0;

  const detection = await chooseProvider(args.provider, settings.provider, settings.sandboxDir);
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

/** Run the command of entry script `name` (scripts/<name>.mjs, scripts/lib/commands/<name>.ts). */
export async function runNamed(name: string, argv: string[]): Promise<number> {
  const { command } = (await import(`./commands/${name}.ts`)) as { command: Command };
  return runCommand(command, argv);
}
