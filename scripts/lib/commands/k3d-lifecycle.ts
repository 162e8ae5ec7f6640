// start/stop helpers for k3d sandboxes. A laptop restarting Docker does not bring every pod of a
// sandbox back: start starts the clusters one after another and clears the pods left behind.

import { startClusters, stopClusters } from '../../../cluster/kubernetes/k3d.js';
import { kubeRun } from '../../../cluster/kubernetes/run.js';
import { readState } from '../../../cluster/kubernetes/state.js';
import { checkTools } from '../../../cluster/kubernetes/tools.js';
import type { Invocation } from '../../../cluster/provider.js';
import { createRunner } from '../../../core/command.js';
import { CommandError, MissingToolError, UsageError } from '../../../core/errors.js';
import { log, step } from '../../../core/log.js';
import { loadEnvFile, readSettings } from '../../../core/settings.js';
import { type CommandSpec, helpText, parseCommandArgs } from '../args.js';

const SPECS: Record<'start' | 'stop', CommandSpec> = {
  start: {
    name: 'start',
    summary:
      "Start stopped k3d sandbox clusters one after another and clear the pods k3d does not bring back (all of the sandbox's clusters when no names are given).",
    namesRequired: false,
  },
  stop: {
    name: 'stop',
    summary: "Stop k3d sandbox clusters (all of the sandbox's clusters when no names are given); start brings them back.",
    namesRequired: false,
  },
};

/** Returns the exit code (2: bad input, 1: failure). */
export async function lifecycle(action: 'start' | 'stop', argv: string[]): Promise<number> {
  try {
    const args = parseCommandArgs(SPECS[action], argv);
    if (args.help) {
      log.info(helpText(SPECS[action]).replace(`scripts/${action}.mjs`, `scripts/k3d-${action}.mjs`));
      return 0;
    }
    loadEnvFile();
    const settings = readSettings();
    const names = args.names.length ? args.names : (readState(settings.sandboxDir, 'k3d')?.names ?? []);
    if (!names.length) throw new UsageError(`no cluster names given and none made by this sandbox; e.g. ${action} c1 c2 c3`);
    checkTools('k3d', settings.env, args.dryRun, action === 'start' ? ['docker', 'k3d', 'kubectl'] : ['docker', 'k3d']);
    const ctx: Invocation = { names, args, settings, provider: 'k3d', runner: createRunner(args.dryRun), dryRun: args.dryRun };
    const k = kubeRun(ctx, 'k3d', names);
    await step(`${action} (k3d: ${names.join(' ')})`, () => (action === 'start' ? startClusters(k) : stopClusters(k)));
    return 0;
  } catch (e) {
    log.error(
      e instanceof UsageError || e instanceof CommandError || e instanceof MissingToolError ? e.message : ((e as Error).stack ?? String(e)),
    );
    return e instanceof UsageError ? 2 : 1;
  }
}
