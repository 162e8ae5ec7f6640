import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWan, pairKey, parseWan, rttOf, tableFor } from '../../../../../cluster/local/wan/spec.js';

const NAMES = ['c1', 'c2', 'c3'];

describe('--wan: round trips between regions', () => {
  it('a bare delay sets every pair', () => {
    assert.deepEqual(parseWan('40ms', NAMES), { 'c1~c2': 40, 'c1~c3': 40, 'c2~c3': 40 });
    assert.deepEqual(parseWan('0.2s', ['a', 'b']), { 'a~b': 200 });
  });

  it('pairs set one each; pairs not named are 0 ms, or the bare delay given beside them', () => {
    assert.deepEqual(parseWan('c1-c2=30ms,c1-c3=80ms', NAMES), { 'c1~c2': 30, 'c1~c3': 80, 'c2~c3': 0 });
    assert.deepEqual(parseWan('40ms, c3-c1=80ms', NAMES), { 'c1~c2': 40, 'c1~c3': 80, 'c2~c3': 40 });
  });

  it('is symmetric and zero inside a region', () => {
    const t = parseWan('c2-c1=30ms', NAMES) as Record<string, number>;
    assert.equal(rttOf(t, 'c1', 'c2'), 30);
    assert.equal(rttOf(t, 'c2', 'c1'), 30);
    assert.equal(rttOf(t, 'c1', 'c1'), 0);
    assert.equal(pairKey('c2', 'c1'), 'c1~c2');
  });

  it('splits pairs of names that contain dashes by the names the sandbox has', () => {
    assert.deepEqual(parseWan('eu-west-us-east=90ms', ['eu-west', 'us-east']), { 'eu-west~us-east': 90 });
  });

  it('off means no WAN layer; 0ms the layer without delay', () => {
    assert.equal(parseWan('off', NAMES), 'off');
    assert.deepEqual(parseWan('0ms', ['a', 'b']), { 'a~b': 0 });
  });

  it('refuses what would be a guess, each with the reason', () => {
    const cases: [string, RegExp][] = [
      ['c1-c4=30ms', /does not name two regions of this sandbox \(c1, c2, c3\)/],
      ['-5ms', /cannot be negative/],
      ['c1-c2=-1ms', /cannot be negative/],
      ['c1-c2=30ms,c2-c1=40ms', /more than once \(pairs are symmetric/],
      ['c1-c1=3ms', /not distant from itself/],
      ['40ms,50ms', /every pair twice/],
      ['fast', /not a delay; write it like 40ms/],
      ['20s', /more than the 10 s/],
      ['c1-c2=30ms,,c1-c3=1ms', /empty entry/],
      ['', /needs a value/],
    ];
    for (const [value, why] of cases) assert.throws(() => parseWan(value, NAMES), why, value);
  });

  it('keeps the delays of the regions left (a partial delete), and new pairs start at 0 ms', () => {
    assert.deepEqual(tableFor({ 'c1~c2': 30, 'c1~c3': 80, 'c2~c3': 0 }, ['c1', 'c3']), { 'c1~c3': 80 });
    assert.deepEqual(tableFor({ 'c1~c2': 40, 'c1~c3': 40, 'c2~c3': 40 }, ['c2']), {});
    assert.deepEqual(tableFor({ 'c1~c2': 40 }, ['c1', 'c2', 'c4']), { 'c1~c2': 40, 'c1~c4': 0, 'c2~c4': 0 });
  });

  it('describes itself in one line', () => {
    assert.equal(describeWan({ 'a~b': 40, 'a~c': 40 }), 'every pair 40 ms');
    assert.equal(describeWan({ 'a~b': 30, 'a~c': 80 }), 'a-b 30 ms, a-c 80 ms');
  });
});
