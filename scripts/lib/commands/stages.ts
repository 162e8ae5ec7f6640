// install (every stage in order), one stage, region --down/--up and delete: the commands that
// change a sandbox, each a step with its timing.
import { type Invocation, type Provider, STAGES, type StageId } from '../../../cluster/provider.js';
import { UsageError } from '../../../core/errors.js';
import { log, step } from '../../../core/log.js';

export async function runStage(id: StageId, provider: Provider, inv: Invocation): Promise<void> {
  const fn = provider.stages[id];
  if (!fn) {
    log.info(`• ${id}: skipped for the ${provider.name} provider: ${provider.skipped[id] ?? 'nothing to do'}`);
    return;
  }
  await step(`${id} (${provider.name}: ${inv.names.join(' ')})`, () => fn(inv));
}

export async function install(provider: Provider, inv: Invocation): Promise<void> {
  await provider.preflight?.(inv);
  for (const stage of STAGES) {
    await runStage(stage.id, provider, inv);
    if (provider.headStart?.after === stage.id) provider.headStart.start(inv);
  }
  log.info(`install finished; check it with: npx zx scripts/status.mjs ${inv.names.join(' ')}`);
}

export async function region(provider: Provider, inv: Invocation): Promise<void> {
  const down = inv.args.flags.down === true;
  if (down === (inv.args.flags.up === true)) throw new UsageError('region takes exactly one of --down or --up, e.g. region c3 --down');
  const fn = provider.region;
  if (!fn) throw new UsageError(`region is not available for the ${provider.name} provider`);
  await step(`region ${inv.names.join(' ')} ${down ? 'down' : 'up'} (${provider.name})`, () => fn(inv, down ? 'down' : 'up'));
}

export async function partition(provider: Provider, inv: Invocation): Promise<void> {
  const fn = provider.partition;
  if (!fn)
    throw new UsageError(`partition cuts links of the local provider's WAN layer; the ${provider.name} provider has a network of its own`);
  const what = inv.args.flags.heal === true ? `heal ${inv.args.names.join(' ') || 'all'}` : inv.args.names.join(' ');
  await step(`partition ${what} (${provider.name})`, () => fn(inv));
}

export async function remove(provider: Provider, inv: Invocation): Promise<void> {
  const given = inv.args.names;
  await step(`delete (${provider.name}${given.length ? `: ${given.join(' ')}` : ''})`, () => provider.delete(inv));
}
