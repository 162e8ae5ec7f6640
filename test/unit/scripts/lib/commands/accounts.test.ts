// accounts' actions and flags are read, and bad ones refused as usage errors (exit 2), before the
// sandbox is touched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCode, UsageError } from '../../../../../core/errors.js';
import { command } from '../../../../../scripts/lib/commands/accounts.js';
import { command as install } from '../../../../../scripts/lib/commands/install.js';
import { parseCommandLine } from '../../../../../scripts/lib/run.js';

const line = (...argv: string[]) => parseCommandLine(command, argv);
const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && exitCode(e) === 2 && pattern.test(e.message);

describe('accounts command line', () => {
  it('takes add-user with the permissions of an identity and an expiry', () => {
    const o = line('add-user', 'alice', '--like', 'requester', '--expires', '3600').options;
    assert.equal(o.like, 'requester');
    assert.equal(o.expires, 3600);
  });

  it('takes mint-browser-user with a time to live in s, m or h, 10 minutes by default', () => {
    assert.equal(line('mint-browser-user', '--ttl', '3s').options.ttl, 3);
    assert.equal(line('mint-browser-user', 'web', '--ttl', '10m').options.ttl, 600);
    assert.equal(line('mint-browser-user', '--ttl', '2h').options.ttl, 7200);
    assert.equal(line('mint-browser-user', '--ttl', '45').options.ttl, 45);
    assert.equal(line('mint-browser-user').options.ttl, undefined);
    assert.throws(() => line('mint-browser-user', '--ttl', '0s'), usage(/--ttl must be a duration from 1s to 24h/));
    assert.throws(() => line('mint-browser-user', '--ttl', '25h'), usage(/--ttl must be a duration from 1s to 24h/));
    assert.throws(() => line('mint-browser-user', '--ttl', 'soon'), usage(/--ttl must be a duration/));
  });

  it('takes limits with a number or unlimited', () => {
    assert.equal(line('limits', '--max-connections', 'unlimited').options['max-connections'], -1);
    assert.equal(line('limits', 'APP', '--js-disk-mb', '512').options['js-disk-mb'], 512);
  });

  it('refuses what it cannot do, naming the fix', () => {
    assert.throws(() => line(), usage(/needs an action: add-user, mint-browser-user, revoke or limits/));
    assert.throws(() => line('revoke'), usage(/needs a user name/));
    assert.throws(() => line('add-user', 'a', 'b'), usage(/takes one name/));
    assert.throws(() => line('add-user', 'alice', '--like', 'root'), usage(/--like must be one of sys, admin, math, requester, recorder/));
    assert.throws(() => line('limits'), usage(/needs --max-connections or --js-disk-mb/));
    assert.throws(() => line('limits', 'OTHER', '--max-connections', '3'), usage(/no account OTHER; accounts: SYS, APP/));
    assert.throws(() => line('limits', '--max-connections', 'many'), usage(/--max-connections must be a whole number/));
  });
});

describe('install --auth', () => {
  it('reads mtls or jwt into the selection, and refuses anything else', () => {
    assert.equal(parseCommandLine(install, ['c1', '--auth', 'jwt']).selection.auth, 'jwt');
    assert.equal(parseCommandLine(install, ['c1']).selection.auth, undefined);
    assert.throws(() => parseCommandLine(install, ['c1', '--auth', 'ldap']), usage(/--auth must be one of mtls, jwt; got 'ldap'/));
  });
});
