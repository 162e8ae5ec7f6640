// Command dispatch for every script: parse and validate first, then choose the provider, build
// the run's invocation once, then act. One place turns an error into its message and exit code.
import {
  chooseProvider,
  createInvocation,
  type Invocation,
  PROVIDERS,
  type Provider,
  type StageId,
  withNames,
} from '../../cluster/provider.js';
import { errorText, exitCode, UsageError } from '../../core/errors.js';
import { lockSandbox } from '../../core/lock.js';
import { log, setQuiet } from '../../core/log.js';
import { loadEnvFile, readSettings } from '../../core/settings.js';
import { helpText, parseCommandArgs } from './args.js';
import { contextsOptions, writeContexts } from './commands/contexts.js';
import { install, partition, region, remove, runStage } from './commands/stages.js';
import { status } from './commands/status.js';
import { COMMANDS } from './commands.js';

async function dispatch(command: string, argv: string[]): Promise<number> {
  // The requester has flags of its own (and runs in pods too): it parses them itself.
  if (command === 'request') return (await import('./commands/request.js')).requestCommand(argv);
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command ${command}`);
  const args = parseCommandArgs(spec, argv);
  if (args.help) {
    log.info(helpText(spec));
    return 0;
  }
  // Flags a command checks itself are refused here too, before a provider is chosen.
  if (command === 'contexts') contextsOptions(args);
  loadEnvFile();
  const settings = readSettings();
  // Machine-readable output keeps stdout to itself: --json, and contexts' commands (for `| sh`).
  setQuiet(args.flags.json === true || command === 'contexts' || command === 'tools');
  if (command === 'tools') return (await import('./commands/tools.js')).toolsCommand(settings, args.dryRun);
  if (command === 'render') return (await import('./commands/render.js')).renderCommand(args, settings);
  if (command === 'k3d-start' || command === 'k3d-stop') {
    return (await import('./commands/k3d-lifecycle.js')).lifecycle(command === 'k3d-start' ? 'start' : 'stop', args, settings);
  }
  const detection = await chooseProvider(args.provider, settings.provider);
  log.info(`provider: ${detection.provider} (${detection.reason})${args.dryRun ? ' — dry run: nothing is changed' : ''}`);
  const provider = await PROVIDERS[detection.provider]();
  const given = createInvocation(args, settings, provider);
  // A drill's positionals are its kind and arguments: it runs on the saved sandbox as it is.
  if (command === 'drill') return drill(provider, withNames(given, []), settings.sandboxDir, argv);
  const inv = PARTS.has(command) ? partOf(command, given) : given;
  // One command that changes the sandbox at a time; looking at it needs no lock.
  const release =
    READ_ONLY.has(command) || args.dryRun ? () => undefined : lockSandbox(settings.sandboxDir, `${command} ${argv.join(' ')}`.trim());
  try {
    return await act(command, provider, inv);
  } finally {
    release();
  }
}

/** Everything a drill can refuse is refused before it takes the lock: a sandbox not installed stays untouched. */
async function drill(provider: Provider, inv: Invocation, sandboxDir: string, argv: string[]): Promise<number> {
  const { prepareDrill, runDrill } = await import('./commands/drill.js');
  const prepared = prepareDrill(provider, inv);
  const release = lockSandbox(sandboxDir, `drill ${argv.join(' ')}`.trim());
  try {
    return await runDrill(prepared);
  } finally {
    release();
  }
}

const READ_ONLY = new Set(['status', 'contexts', 'ui']);

/** Commands whose names pick regions of the sandbox that exists, rather than define a topology. */
const PARTS = new Set(['status', 'contexts', 'region', 'partition', 'delete', 'ui']);

/**
 * A command on part of a sandbox keeps the saved sandbox's topology whole (no names define it);
 * the names given are then the selection (inv.args.names), and must be the sandbox's.
 */
function partOf(command: string, inv: Invocation): Invocation {
  let saved: ReturnType<Invocation['saved']>;
  try {
    saved = inv.saved();
  } catch (e) {
    if (command === 'delete') return inv; // delete works on unreadable state too
    throw e;
  }
  if (!saved) return inv;
  const unknown = inv.args.names.filter((n) => !saved.names.includes(n));
  if (unknown.length) {
    throw new UsageError(`not a cluster of this sandbox: ${unknown.join(', ')} (it has ${saved.names.join(', ')})`);
  }
  return withNames(inv, []);
}

async function act(command: string, provider: Provider, inv: Invocation): Promise<number> {
  const args = inv.args;
  switch (command) {
    case 'install':
      await install(provider, inv);
      return 0;
    case 'status':
      return status(provider, inv);
    case 'ui':
      return (await import('./commands/ui.js')).uiCommand(provider, inv);
    case 'contexts':
      writeContexts(provider, inv, contextsOptions(args));
      return 0;
    case 'region':
      await region(provider, inv);
      return 0;
    case 'partition':
      await partition(provider, inv);
      return 0;
    case 'delete':
      await remove(provider, inv);
      return 0;
    default:
      await runStage(command as StageId, provider, inv);
      return 0;
  }
}

/** Run a command; returns the exit code (2 for usage errors, 1 for failures). */
export async function runCli(command: string, argv: string[]): Promise<number> {
  try {
    return await dispatch(command, argv);
  } catch (e) {
    log.error(errorText(e));
    return exitCode(e);
  }
}
