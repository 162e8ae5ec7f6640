// The four operations, their services and subjects. Pure, and light: the process plans import it
// (handle.ts, with the schema validators, is what the services run).
import type { OperationName } from '../schemas.js';

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
