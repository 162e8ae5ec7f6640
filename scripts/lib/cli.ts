// Command dispatch for every script: parse and validate first, then choose the provider, build
// the run's invocation once, then act. One place turns an error into its message and exit code.
import { chooseProvider, createInvocation, PROVIDERS, type StageId } from '../../cluster/provider.js';
import { errorText, exitCode, UsageError } from '../../core/errors.js';
import { log, setQuiet } from '../../core/log.js';
import { loadEnvFile, readSettings } from '../../core/settings.js';
import { helpText, parseCommandArgs } from './args.js';
import { writeContexts } from './commands/contexts.js';
import { install, region, remove, runStage } from './commands/stages.js';
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
  loadEnvFile();
  const settings = readSettings();
  setQuiet(args.flags.json === true);
  if (command === 'render') return (await import('./commands/render.js')).renderCommand(args, settings);
  if (command === 'k3d-start' || command === 'k3d-stop') {
    return (await import('./commands/k3d-lifecycle.js')).lifecycle(command === 'k3d-start' ? 'start' : 'stop', args, settings);
  }
  const detection = await chooseProvider(args.provider, settings.provider);
  log.info(`provider: ${detection.provider} (${detection.reason})${args.dryRun ? ' — dry run: nothing is changed' : ''}`);
  const provider = await PROVIDERS[detection.provider]();
  const inv = createInvocation(args, settings, provider);
  switch (command) {
    case 'install':
      await install(provider, inv);
      return 0;
    case 'status':
      return status(provider, inv);
    case 'contexts':
      writeContexts(provider, inv, args.flags.write === true, args.flags.server as string | undefined);
      return 0;
    case 'region':
      await region(provider, inv);
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
