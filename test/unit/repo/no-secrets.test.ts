// The repository holds no password, key or token.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../support/helpers.js';
import { PRIVATE_KEY_LABEL, pemBegin, scanFile } from '../../support/secret-scan.js';

describe('secrets in the repository', () => {
  it('the scanner finds what it is meant to find', () => {
    const pw = ['Zq4', 'Lm9xW2', 'pR7tY8uV'].join(''); // built at run time so this file holds no such literal
    const key = pemBegin(`EC ${PRIVATE_KEY_LABEL}`);
    assert.deepEqual(
      scanFile('a.ts', `const x = { password: "${pw}" };`).map((f) => f.what),
      ['literal password'],
    );
    assert.deepEqual(
      scanFile('b.txt', `x\n${key}\n`).map((f) => [f.line, f.what]),
      [[2, 'private key']],
    );
    assert.deepEqual(
      scanFile('c.yaml', `url: nats://admin:${pw}@host:4222`).map((f) => f.what),
      ['password in a NATS URL'],
    );
    assert.deepEqual(
      scanFile('.env', '').map((f) => f.what),
      ['.env file'],
    );
    assert.deepEqual(
      scanFile('pki/ca.key', '').map((f) => f.what),
      ['key material'],
    );
    assert.deepEqual(scanFile('d.ts', "password: 'wrong-password-for-the-test'"), [], 'readable test values are not secrets');
  });

  it('no tracked file contains one', () => {
    let files: string[];
    try {
      files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    } catch {
      assert.fail('this test needs a git checkout');
    }
    assert.ok(files.length > 20, 'git lists the tracked files');
    const findings = files.flatMap((f) => {
      let text = '';
      try {
        text = readFileSync(join(ROOT, f), 'utf8');
      } catch {
        // deleted in the work tree
      }
      return scanFile(f, text);
    });
    assert.deepEqual(findings, []);
  });
});
