// partition: cut regions off from the others at the WAN layer, every process still running; heal.
import { UsageError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { step } from '../../../core/log.js';
import { sandboxCommand } from '../command.js';
import { requireOperation } from '../operations.js';

/** A comma-separated list of region names. */
function regionList(raw: string, label: string): string[] {
  const list = raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!list.length) throw new UsageError(`${label} needs at least one region to cut off from`);
  return list;
}

export const command = sandboxCommand({
  name: 'partition',
  summary:
    'Cut the named regions or edge sites off from the others at the WAN layer (local provider, install with --wan): connections between them dropped, new ones refused, every process still running. --heal restores the links.',
  positionals: 'selection',
  takesEdgeSites: true,
  flags: {
    from: flag.parsed(
      'a,b',
      'cut off from these sites only (default: a region from every other site, an edge site from every region)',
      regionList,
    ),
    heal: flag.boolean('restore the links of the named regions (all when none are named)'),
  },
  mutates: true,
  check: (o, names) => {
    if (o.heal && o.from) throw new UsageError('--heal takes no --from: it restores every link of the regions named (all when none are)');
    if (!o.heal && !names.length) throw new UsageError('name the region(s) to cut off, e.g. partition c3 (or --heal to restore the links)');
  },
  async run({ options, provider, invocation }) {
    const partition = requireOperation(provider, 'partition');
    const regions = invocation.args.names;
    const what = options.heal ? `heal ${regions.join(' ') || 'all'}` : regions.join(' ');
    const request = options.heal
      ? { heal: true as const, regions }
      : { heal: false as const, regions, ...(options.from ? { from: options.from } : {}) };
    await step(`partition ${what} (${provider.name})`, () => partition(invocation, request));
    return 0;
  },
});
