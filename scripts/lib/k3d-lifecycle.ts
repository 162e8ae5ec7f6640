// k3d-start and k3d-stop: the k3d provider's region up and down, for the named clusters or all of
// the sandbox's, whatever PROVIDER says.
import { createInvocation } from '../../cluster/provider.js';
import { loadProvider } from '../../cluster/providers.js';
import { flag } from '../../core/flags.js';
import { parseContexts } from '../../core/input.js';
import { step } from '../../core/log.js';
import { plainCommand } from './command.js';
import { requireOperation } from './operations.js';

export function k3dLifecycle(name: string, summary: string, action: 'up' | 'down') {
  return plainCommand({
    name,
    summary,
    positionals: 'selection',
    flags: { 'dry-run': flag.boolean('print every command with its context, run none') },
    async run({ options, positionals, settings }) {
      const provider = await loadProvider('k3d');
      const inv = createInvocation(
        { names: positionals, contexts: parseContexts([]), replicas: {}, dryRun: options['dry-run'] },
        settings,
        provider,
      );
      inv.topology(); // names given, else the sandbox's: said before anything runs
      const region = requireOperation(provider, 'region');
      await step(`${action === 'up' ? 'start' : 'stop'} (k3d: ${inv.names.join(' ')})`, () => region(inv, action));
      return 0;
    },
  });
}
