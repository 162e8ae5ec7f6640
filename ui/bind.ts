// Where the page server may listen: loopback unless the user opts in to more, since the page shows
// the supercluster's layout to whoever reaches it (no credentials, but still not for the network).
import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  if (LOOPBACK_NAMES.has(host)) return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Fails for a non-loopback host unless --allow-remote was given. */
export function checkBind(host: string, allowRemote: boolean): void {
  if (!host) throw new UsageError('--host needs an address, e.g. --host 127.0.0.1');
  if (!isLoopback(host) && !allowRemote) {
    throw new UsageError(
      `refusing to serve the topology page on ${host}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed unless you add --allow-remote`,
    );
  }
}
