// --auth: chosen when a sandbox is made, then kept, for every provider. Not changed later:
// operator mode names the application account by its key, and its JetStream streams would stay
// behind under the old name.
import { UsageError } from '../core/errors.js';
import { commandHint } from '../core/hint.js';
import type { AuthMode } from '../nats/jwt-auth.js';

/**
 * The auth mode of this run: the one asked for, else the sandbox's, else the AUTH setting's (a new
 * sandbox), else mTLS. `kept` is the sandbox's mode (undefined: there is no sandbox yet); asking
 * for another one is refused.
 */
export function authModeOf(asked: AuthMode | undefined, kept: AuthMode | undefined, configured?: AuthMode): AuthMode {
  if (asked && kept && asked !== kept)
    throw new UsageError(
      `this sandbox runs --auth ${kept}; it cannot change to ${asked} (its JetStream account would change identity and leave its streams behind): ${commandHint('delete')} and install again, or use another SANDBOX_DIR`,
    );
  return asked ?? kept ?? configured ?? 'mtls';
}
