import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWan, pairKey, parseWan, rttOf, tableFor, wanPairs } from '../../../../../cluster/local/wan/spec.js';

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
      ['c1-c4=30ms', /does not name two sites of this sandbox \(c1, c2, c3\)/],
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

describe('--wan with edge sites: each edge linked to every region, never to another edge', () => {
  const SITES = { regions: NAMES, edges: ['e1', 'e2'] };

  it('carries the region pairs and every edge-region pair', () => {
    assert.deepEqual(wanPairs(SITES), ['c1~c2', 'c1~c3', 'c2~c3', 'c1~e1', 'c2~e1', 'c3~e1', 'c1~e2', 'c2~e2', 'c3~e2']);
  });

  it('a bare delay is every link; an edge link set alone', () => {
    const t = parseWan('40ms,c1-e1=20ms', SITES) as Record<string, number>;
    assert.equal(rttOf(t, 'e1', 'c1'), 20);
    assert.equal(rttOf(t, 'e1', 'c2'), 40);
    assert.equal(rttOf(t, 'c2', 'c3'), 40);
    assert.equal(t['e1~e2'], undefined, 'two edge sites have no link');
    assert.equal(Object.keys(t).length, 9);
  });

  it('refuses a pair of edge sites, and an edge the sandbox does not have', () => {
    assert.throws(() => parseWan('e1-e2=5ms', SITES), /edge sites are not linked to one another, only to the regions/);
    assert.throws(() => parseWan('c1-e3=5ms', SITES), /does not name two sites of this sandbox \(c1, c2, c3, e1, e2\)/);
  });

  it('drops the links of an edge site gone with its hub, and starts a new edge at 0 ms', () => {
    const t = parseWan('40ms', SITES) as Record<string, number>;
    assert.deepEqual(tableFor(t, { regions: ['c2', 'c3'], edges: ['e2'] }), { 'c2~c3': 40, 'c2~e2': 40, 'c3~e2': 40 });
    assert.deepEqual(tableFor({ 'c1~c2': 40 }, { regions: ['c1', 'c2'], edges: ['e9'] }), { 'c1~c2': 40, 'c1~e9': 0, 'c2~e9': 0 });
  });
});
