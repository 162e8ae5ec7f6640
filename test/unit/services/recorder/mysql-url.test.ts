// MYSQL_URL: parsed, printed back, and refused when it is not one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mysqlUrl, parseMysqlUrl } from '../../../../services/recorder/mysql-url.js';

describe('MYSQL_URL', () => {
  it('reads MYSQL_URL and refuses what is not one', () => {
    const s = parseMysqlUrl('mysql://ans%40wer:p%3Ass@db.local:3307/answers_x');
    assert.deepEqual(s, { host: 'db.local', port: 3307, user: 'ans@wer', password: 'p:ss', database: 'answers_x' });
    assert.deepEqual(parseMysqlUrl(mysqlUrl(s)), s);
    assert.equal(parseMysqlUrl('mysql://u:p@h').database, 'answers');
    assert.throws(() => parseMysqlUrl('postgres://u:p@h/x'), /mysql:\/\//);
    assert.throws(() => parseMysqlUrl('mysql://u:p@h/bad-name;drop'), /letters, digits/);
  });
});
