// JSON schemas of the math services and the answers they lead to. Published in the endpoints'
// metadata (so `nats micro info` shows them: whole with --json; its table shortens long values to
// the screen width, "first ... last") and enforced with ajv.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export type OperationName = 'add' | 'subtract' | 'multiply' | 'divide';

export const MATH_REQUEST_SCHEMA = {
  $id: 'math-request',
  type: 'object',
  properties: {
    first: { type: 'number' },
    second: { type: 'number' },
  },
  required: ['first', 'second'],
} as const;

/** The divider documents its one extra rule in its schema: the divisor is never 0. */
export const DIVIDE_REQUEST_SCHEMA = {
  $id: 'math-divide-request',
  type: 'object',
  properties: {
    first: { type: 'number' },
    second: { type: 'number', not: { const: 0 } },
  },
  required: ['first', 'second'],
} as const;

export const MATH_RESPONSE_SCHEMA = {
  $id: 'math-response',
  type: 'object',
  properties: {
    first: { type: 'number' },
    second: { type: 'number' },
    operation: { enum: ['add', 'subtract', 'multiply', 'divide'] },
    result: { type: 'number' },
    region: { type: 'string' },
    instance: { type: 'string' },
  },
  required: ['first', 'second', 'operation', 'result', 'region', 'instance'],
} as const;

/** What the requester publishes into the answers stream: a response and the id it was published with. */
export const ANSWER_SCHEMA = {
  $id: 'answer',
  type: 'object',
  properties: {
    ...MATH_RESPONSE_SCHEMA.properties,
    region: { type: 'string', minLength: 1, maxLength: 64 },
    instance: { type: 'string', minLength: 1, maxLength: 128 },
  },
  required: MATH_RESPONSE_SCHEMA.required,
} as const;

export interface MathRequest {
  first: number;
  second: number;
}

export interface MathResponse extends MathRequest {
  operation: OperationName;
  result: number;
  region: string;
  instance: string;
}

const ajv = new Ajv({ allErrors: true, strict: true });

export const validators = {
  request: ajv.compile<MathRequest>(MATH_REQUEST_SCHEMA),
  divideRequest: ajv.compile<MathRequest>(DIVIDE_REQUEST_SCHEMA),
  response: ajv.compile<MathResponse>(MATH_RESPONSE_SCHEMA),
  answer: ajv.compile<MathResponse>(ANSWER_SCHEMA),
} satisfies Record<string, ValidateFunction>;

/** ajv errors as one line, e.g. "/second must be number; must have required property 'first'". */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`.trim()).join('; ');
}
