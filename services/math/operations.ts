// The four operations and how one request becomes a response or a service error. Pure.
import { describeErrors, type MathResponse, type OperationName, validators } from '../schemas.js';

export interface Operation {
  name: OperationName;
  /** Service name prefix; the region is appended (adder-c1). */
  service: string;
  description: string;
  compute(first: number, second: number): number;
}

export const OPERATIONS: readonly Operation[] = [
  { name: 'add', service: 'adder', description: 'adds two numbers', compute: (a, b) => a + b },
  { name: 'subtract', service: 'subtractor', description: 'subtracts the second number from the first', compute: (a, b) => a - b },
  { name: 'multiply', service: 'multiplier', description: 'multiplies two numbers', compute: (a, b) => a * b },
  { name: 'divide', service: 'divider', description: 'divides the first number by the second', compute: (a, b) => a / b },
];

export const SERVICE_NAMES = OPERATIONS.map((o) => o.service);

/** Group of every math endpoint: math.numbers.<operation>. */
export const MATH_GROUP = 'math.numbers';
/** One queue group for every region: NATS answers from the requester's own cluster when it can. */
export const MATH_QUEUE = 'math';

export function operationByService(service: string): Operation {
  const op = OPERATIONS.find((o) => o.service === service);
  if (!op) throw new Error(`unknown math service '${service}'; one of ${SERVICE_NAMES.join(', ')}`);
  return op;
}

export function subjectOf(op: OperationName): string {
  return `${MATH_GROUP}.${op}`;
}

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
