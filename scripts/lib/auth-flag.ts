// --auth: how the clients of a sandbox prove who they are. Kept by the sandbox like --wan.
import { UsageError } from '../../core/errors.js';
import { flag } from '../../core/flags.js';
import { AUTH_MODES, type AuthMode } from '../../nats/jwt-auth.js';

export const AUTH_FLAG = flag.parsed(
  'mtls|jwt',
  'how clients prove who they are: mtls (a certificate mapped to its user, the default) or jwt (operator mode: user JWTs in creds files, accounts from the resolver in every server). Chosen when the sandbox is made and kept (to change it, delete the sandbox and install again)',
  (raw, label): AuthMode => {
    if (!(AUTH_MODES as readonly string[]).includes(raw))
      throw new UsageError(`${label} must be one of ${AUTH_MODES.join(', ')}; got '${raw}'`);
    return raw as AuthMode;
  },
);
