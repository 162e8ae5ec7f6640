// The provider operations some providers do not have (a drill, a partition of the WAN layer): one
// way to ask for one, refused with the provider's own reason when it has none.
import type { Provider } from '../../cluster/provider.js';
import { UsageError } from '../../core/errors.js';

type Operation = 'region' | 'partition' | 'drill';

export function requireOperation<K extends Operation>(provider: Provider, operation: K): NonNullable<Provider[K]> {
  const op = provider[operation];
  if (!op) {
    const why = provider.refusals?.[operation];
    throw new UsageError(`${operation} is not available for the ${provider.name} provider${why ? `: ${why}` : ''}`);
  }
  return op as NonNullable<Provider[K]>;
}
