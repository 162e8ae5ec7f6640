// region: lose regions and bring them back (local: their processes; k3d: their clusters).
import { UsageError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { step } from '../../../core/log.js';
import { sandboxCommand } from '../command.js';
import { requireOperation } from '../operations.js';

export const command = sandboxCommand({
  name: 'region',
  summary:
    'Lose a region and bring it back: --down stops every process (local) or the k3d cluster of the named clusters, --up starts them again and lets the supercluster heal.',
  positionals: 'selection',
  flags: {
    down: flag.boolean('take the named clusters down'),
    up: flag.boolean('bring them back (local: reconciles the whole sandbox)'),
  },
  mutates: true,
  check: (o, names) => {
    if (o.down === o.up) throw new UsageError('region takes exactly one of --down or --up, e.g. region c3 --down');
    if (!names.length)
      throw new UsageError(`region needs the cluster names to take ${o.down ? 'down' : 'up'}, e.g. region c3 --${o.down ? 'down' : 'up'}`);
  },
  async run({ options, provider, invocation }) {
    const region = requireOperation(provider, 'region');
    const action = options.down ? 'down' : 'up';
    await step(`region ${invocation.args.names.join(' ')} ${action} (${provider.name})`, () => region(invocation, action));
    return 0;
  },
});
