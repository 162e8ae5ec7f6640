// delete: everything the stages made, for the named clusters or the whole sandbox.
import { formatDuration, log, step } from '../../../core/log.js';
import { sandboxCommand } from '../command.js';

export const command = sandboxCommand({
  name: 'delete',
  summary: 'Remove everything the stages made for the given cluster names (all of the sandbox when no names are given).',
  positionals: 'selection',
  flags: {},
  mutates: true,
  async run({ provider, invocation }) {
    const given = invocation.args.names;
    await step(`delete (${provider.name}${given.length ? `: ${given.join(' ')}` : ''})`, () => provider.delete(invocation));
    // The step times the removal; this is the whole wait (the lock, the provider's choice, the start).
    log.info(`deleted in ${formatDuration(performance.now())} since the command started`);
    return 0;
  },
});
