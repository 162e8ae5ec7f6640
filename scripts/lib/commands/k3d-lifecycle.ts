// k3d-start / k3d-stop: a laptop restarting Docker does not bring every pod of a sandbox back.
// start starts the clusters one after another and clears the pods left behind; stop stops them.
// They are the k3d provider's region up and down, for the named clusters or all of the sandbox's.
import { createInvocation, PROVIDERS } from '../../../cluster/provider.js';
import type { ParsedArgs } from '../../../core/input.js';
import { step } from '../../../core/log.js';
import type { Settings } from '../../../core/settings.js';

export async function lifecycle(action: 'start' | 'stop', args: ParsedArgs, settings: Settings): Promise<number> {
  const provider = await PROVIDERS.k3d();
  const inv = createInvocation(args, settings, provider);
  inv.topology(); // names given, else the sandbox's: said before anything runs
  await step(`${action} (k3d: ${inv.names.join(' ')})`, () => provider.region!(inv, action === 'start' ? 'up' : 'down'));
  return 0;
}
