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
    await provider.preflight?.(invocation);
    for (const stage of STAGES) {
      await runStage(stage.id, provider, invocation);
      if (provider.headStart?.after === stage.id) await provider.headStart.start(invocation);
    }
    log.info(`install finished; check it with: ${commandHint('status', invocation.names)}`);
    return 0;
  },
});
