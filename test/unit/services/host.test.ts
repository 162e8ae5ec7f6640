// The roles one services process hosts and the names they go by.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostName, parseRoles, RolesError, roleInstance, rolePrefix } from '../../../services/host.js';

describe('services host', () => {
  it('reads a list of roles and refuses unknown, repeated or missing ones', () => {
    assert.deepEqual(parseRoles('adder, divider,recorder'), ['adder', 'divider', 'recorder']);
    assert.throws(() => parseRoles(undefined), RolesError);
    assert.throws(() => parseRoles(' , '), /comma-separated list/);
    assert.throws(() => parseRoles('adder,modulo'), /unknown role\(s\) modulo/);
    assert.throws(() => parseRoles('adder,adder'), /given twice: adder/);
  });

  it('names each hosted role as a process of its own was named, and the host by its region', () => {
    assert.equal(roleInstance('c2', 'divider', 0), 'c2-divider-0');
    assert.equal(hostName('c2', 1), 'c2-services-1');
    assert.equal(rolePrefix('recorder'), 'RECORDER');
    assert.equal(rolePrefix('adder'), undefined);
  });
});
