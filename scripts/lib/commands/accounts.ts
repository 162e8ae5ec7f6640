// accounts: live changes of an operator-mode sandbox (install --auth jwt): add a user, revoke
// one, change an account's limits, mint a browser's short-lived user. The change reaches every server through its resolver within
// seconds, no restart; a revocation reports how long until the last server refused the user.
import { type AccountsChange, type AccountsReport, applyAccountsChange, requireJwtSandbox } from '../../../cluster/local/accounts.js';
import { UsageError } from '../../../core/errors.js';
import { flag, wholeNumber } from '../../../core/flags.js';
import { log } from '../../../core/log.js';
import { IDENTITIES, type Identity } from '../../../nats/accounts.js';
import { JWT_ACCOUNTS, UNLIMITED } from '../../../nats/jwt-auth.js';
import { APP_ACCOUNT } from '../../../nats/topology.js';
import { sandboxCommand } from '../command.js';

const MIB = 1024 ** 2;

/** A whole number, or `unlimited`. */
function limit(raw: string, label: string): number {
  return raw === 'unlimited' ? UNLIMITED : wholeNumber(raw, label, 0);
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };
const MAX_TTL_SECONDS = 24 * 3600;

/** A time to live: `90s`, `10m`, `1h` or seconds; at most a day (a browser's user is short-lived). */
function ttl(raw: string, label: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(raw.trim());
  const seconds = m ? Number(m[1]) * TTL_UNITS[m[2] ?? 's']! : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS))
    throw new UsageError(`${label} must be a duration from 1s to 24h, such as 90s, 10m or 1h; got '${raw}'`);
  return seconds;
}

const DEFAULT_TTL_SECONDS = 600;

function identity(raw: string, label: string): Identity {
  if (!(IDENTITIES as readonly string[]).includes(raw))
    throw new UsageError(`${label} must be one of ${IDENTITIES.join(', ')} (the user gets its permissions); got '${raw}'`);
  return raw as Identity;
}

const USAGE = `<action> [args] [flags], action one of:
  add-user <name> [--like ID]        a user of the application account (with --like: that identity's permissions and account); prints its creds file
  mint-browser-user [name] [--ttl 10m]  a short-lived user for a browser: over websockets only, may ask the math services and read its own replies; prints its creds file and the websocket URLs
  revoke <name>                      revoke a user on every server; prints how long until the last server refused it
  limits [ACCOUNT] --max-connections N|unlimited --js-disk-mb N|unlimited   change an account's limits (default ${APP_ACCOUNT})`;

type Options = {
  like?: Identity;
  expires?: number;
  ttl?: number;
  'max-connections'?: number;
  'js-disk-mb'?: number;
  'timeout-seconds': number;
};

function changeOf(positionals: readonly string[], o: Options): AccountsChange {
  const [action, arg, ...rest] = positionals;
  if (rest.length) throw new UsageError(`accounts ${action} takes one name; got ${positionals.slice(1).join(' ')}`);
  if (action === 'add-user' || action === 'revoke') {
    if (!arg) throw new UsageError(`accounts ${action} needs a user name, e.g. accounts ${action} alice`);
    if (action === 'revoke') return { kind: 'revoke', user: arg, timeoutMs: o['timeout-seconds'] * 1000 };
    return { kind: 'add-user', user: arg, ...(o.like ? { like: o.like } : {}), ...(o.expires ? { expiresInSeconds: o.expires } : {}) };
  }
  if (action === 'mint-browser-user')
    return { kind: 'mint-browser-user', ...(arg ? { user: arg } : {}), ttlSeconds: o.ttl ?? DEFAULT_TTL_SECONDS };
  if (action === 'limits') {
    const account = arg ?? APP_ACCOUNT;
    if (!(JWT_ACCOUNTS as readonly string[]).includes(account))
      throw new UsageError(`no account ${account}; accounts: ${JWT_ACCOUNTS.join(', ')}`);
    if (o['max-connections'] === undefined && o['js-disk-mb'] === undefined)
      throw new UsageError('accounts limits needs --max-connections or --js-disk-mb (or both)');
    const disk = o['js-disk-mb'];
    return {
      kind: 'limits',
      account,
      change: {
        ...(o['max-connections'] !== undefined ? { connections: o['max-connections'] } : {}),
        ...(disk !== undefined ? { jsDiskBytes: disk === UNLIMITED ? UNLIMITED : disk * MIB } : {}),
      },
    };
  }
  throw new UsageError(`accounts needs an action: add-user, mint-browser-user, revoke or limits; got '${action ?? ''}'\n${USAGE}`);
}

function describe(r: AccountsReport): string {
  if (r.kind === 'add-user')
    return `user ${r.user} of ${r.account}: ${r.creds}${r.expiresAt ? ` (expires ${new Date(r.expiresAt * 1000).toISOString()})` : ''}; no server needed a change`;
  if (r.kind === 'mint-browser-user') {
    const urls = Object.entries(r.websockets).map(([region, u]) => `  ${region}: ${u.join(' ')}`);
    return [
      `browser user ${r.user} of ${r.account}: ${r.creds} (expires ${new Date(r.expiresAt * 1000).toISOString()})`,
      `  may: publish ${r.permissions.publish.join(', ')}; subscribe ${r.permissions.subscribe.join(', ')} (set it as the client's inboxPrefix: ${r.inboxPrefix}); connect over ${r.connectionTypes.join(', ')} only`,
      'websockets:',
      ...urls,
    ].join('\n');
  }
  if (r.kind === 'limits') {
    const l = r.limits;
    const n = (v: number | undefined, unit = '') => (v === undefined ? 'none' : v === UNLIMITED ? 'unlimited' : `${v}${unit}`);
    return `${r.account}: connections ${n(l.connections)}, JetStream disk ${n(l.jsDiskBytes === undefined || l.jsDiskBytes === UNLIMITED ? l.jsDiskBytes : l.jsDiskBytes / MIB, ' MiB')}; on ${r.pushedTo} of ${r.servers} servers`;
  }
  return `revoked ${r.user} (${r.key.slice(0, 8)}…): all ${r.servers} servers closed its connections, the last (${r.lastClosedServer}) ${(r.lastClosedMs / 1000).toFixed(2)} s after the push; each refuses a new one (checked by ${(r.lastRefusedMs / 1000).toFixed(2)} s)`;
}

export const command = sandboxCommand({
  name: 'accounts',
  summary:
    "Change the accounts of an operator-mode sandbox (install --auth jwt) live: add a user, mint a browser's short-lived websocket user, revoke one, change an account's limits (connections, JetStream storage); every server applies it through its resolver within seconds, no restart. Local provider.",
  usage: USAGE,
  positionals: 'own',
  flags: {
    like: flag.parsed(
      'ID',
      `add-user: the permissions and account of this identity (${IDENTITIES.join(', ')}); default: anything in ${APP_ACCOUNT}`,
      identity,
    ),
    ttl: flag.parsed('DURATION', `mint-browser-user: how long the user lives, e.g. 90s, 10m, 1h (default 10m, at most 24h)`, ttl),
    expires: flag.number('SECONDS', 'add-user: the user expires this many seconds from now', { min: 1, fallback: undefined }),
    'max-connections': flag.parsed('N|unlimited', 'limits: connections of the account across the supercluster', limit),
    'js-disk-mb': flag.parsed('N|unlimited', 'limits: JetStream file storage of the account, in MiB', limit),
    'timeout-seconds': flag.number('N', 'revoke: how long every server gets to refuse the user (default 30)', {
      min: 1,
      max: 600,
      fallback: 30,
    }),
    json: flag.boolean('print the result as JSON'),
  },
  mutates: true,
  quiet: (o) => o.json,
  check: (o, positionals) => void changeOf(positionals, o),
  prepare({ provider, invocation }) {
    if (provider.name !== 'local')
      throw new UsageError(
        `accounts changes the local provider's operator-mode sandboxes; on ${provider.name} operator mode has the accounts as install made them (live changes are not pushed there yet)`,
      );
    requireJwtSandbox(invocation);
  },
  async run({ options, positionals, invocation }) {
    const report = await applyAccountsChange(invocation, changeOf(positionals, options));
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else log.info(describe(report));
    return 0;
  },
});
