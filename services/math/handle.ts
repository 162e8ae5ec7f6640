// How one request becomes a response or a service error, checked against the schemas. Pure.
import { describeErrors, type MathResponse, validators } from '../schemas.js';
import type { Operation } from './operations.js';

/** Service error codes, sent in the Nats-Service-Error-Code header. */
export const ERROR_CODES = {
  /** The body is not JSON. */
  invalidJson: 400,
  /** JSON, but not the request schema (missing or non-numeric fields). */
  invalidRequest: 422,
  /** Division by zero: the divider's schema excludes it; its own code so clients can tell. */
  divisionByZero: 409,
  /** The result does not fit a JSON number (overflow to Infinity). */
  notFinite: 416,
} as const;

export type Outcome = { ok: true; response: MathResponse } | { ok: false; code: number; description: string };

export interface Origin {
  region: string;
  instance: string;
}

export function handle(op: Operation, body: Uint8Array, origin: Origin): Outcome {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    return { ok: false, code: ERROR_CODES.invalidJson, description: `request is not JSON: ${(e as Error).message}` };
  }
  const validate = op.name === 'divide' ? validators.divideRequest : validators.request;
  if (!validate(data)) {
    const zero = op.name === 'divide' && validate.errors?.some((e) => e.instancePath === '/second' && e.keyword === 'not');
    if (zero) return { ok: false, code: ERROR_CODES.divisionByZero, description: 'division by zero: second must not be 0' };
    return {
      ok: false,
      code: ERROR_CODES.invalidRequest,
      description: `request does not match the schema: ${describeErrors(validate.errors)}`,
    };
  }
  const result = op.compute(data.first, data.second);
  if (!Number.isFinite(result)) {
    return { ok: false, code: ERROR_CODES.notFinite, description: `the result of ${op.name} is not a finite number` };
  }
  return {
    ok: true,
    response: { first: data.first, second: data.second, operation: op.name, result, region: origin.region, instance: origin.instance },
  };
}
