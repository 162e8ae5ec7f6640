// install: every stage in order (01-clusters .. 08-services) for the given cluster names.
import { STAGES } from '../../../cluster/provider.js';
import { commandHint } from '../../../core/hint.js';
import { log } from '../../../core/log.js';
import { sandboxCommand } from '../command.js';
import { runStage, WAN_FLAGS, wanOf } from '../stage.js';

export const command = sandboxCommand({
  name: 'install',
  summary: 'Run every stage in order (01-clusters .. 08-services) for the given cluster names.',
  positionals: 'topology',
  flags: WAN_FLAGS,
  mutates: true,
  selects: wanOf,
  async run({ provider, invocation }) {
    const names = invocation.names;
    // What the stages started runs on by design (servers are detached); say what to do with it.
    const onSignal = (sig: NodeJS.Signals) => {
      log.warn(
        `install interrupted (${sig}): what it started keeps running; ${commandHint('install', names)} finishes the sandbox, ${commandHint('delete', names)} stops and removes it`,
      );
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await provider.preflight?.(invocation);
      for (const stage of STAGES) {
        await runStage(stage.id, provider, invocation);
        if (provider.headStart?.after === stage.id) await provider.headStart.start(invocation);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    log.info(`install finished; check it with: ${commandHint('status', names)}`);
    return 0;
  },
});
