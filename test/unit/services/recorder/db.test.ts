// The LIKE prefix of a run's message ids matches literally.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { likePrefix } from '../../../../services/recorder/db.js';

describe('answers database', () => {
  it('escapes LIKE wildcards in a run id prefix', () => {
    assert.equal(likePrefix('ab_c%d\\.'), 'ab\\_c\\%d\\\\.');
    assert.equal(likePrefix('1a2b3c4d.'), '1a2b3c4d.');
  });
});
