// The math operations: results, echoed inputs and origin, and an error code for every bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, handle } from '../../../../services/math/handle.js';
import { OPERATIONS, operationByService } from '../../../../services/math/operations.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const origin = { region: 'c1', instance: 'c1-adder-0' };

describe('math operations', () => {
  it('compute each operation and echo the inputs, region and instance', () => {
    const want: Record<string, number> = { add: 9, subtract: 3, multiply: 18, divide: 2 };
    for (const op of OPERATIONS) {
      const out = handle(op, enc({ first: 6, second: 3 }), origin);
      assert.ok(out.ok);
      assert.deepEqual(out.response, {
        first: 6,
        second: 3,
        operation: op.name,
        result: want[op.name],
        region: 'c1',
        instance: 'c1-adder-0',
      });
    }
  });

  it('give each bad input its error code', () => {
    const add = operationByService('adder');
    const div = operationByService('divider');
    const code = (op: typeof add, body: unknown) => {
      const o = handle(op, enc(body), origin);
      return o.ok ? 0 : o.code;
    };
    assert.equal(code(add, '{"first": 1,'), ERROR_CODES.invalidJson);
    assert.equal(code(add, { first: 1 }), ERROR_CODES.invalidRequest);
    assert.equal(code(add, { first: 1, second: '2' }), ERROR_CODES.invalidRequest);
    assert.equal(code(add, 'null'), ERROR_CODES.invalidRequest);
    assert.equal(code(div, { first: 1, second: 0 }), ERROR_CODES.divisionByZero);
    assert.equal(code(div, { first: 0, second: 1 }), 0);
    assert.equal(code(operationByService('multiplier'), { first: 1e308, second: 1e308 }), ERROR_CODES.notFinite);
    assert.equal(new Set(Object.values(ERROR_CODES)).size, Object.keys(ERROR_CODES).length, 'codes are distinct');
    assert.throws(() => operationByService('modulo'), /unknown math service/);
  });
});
