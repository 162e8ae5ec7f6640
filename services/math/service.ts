// One math service on the NATS services framework: name and metadata carry the region, the
// endpoint carries its JSON schemas, every bad input gets a service error.
import type { Service } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { svcm } from '../../nats/live/services-framework.js';
import { DIVIDE_REQUEST_SCHEMA, MATH_REQUEST_SCHEMA, MATH_RESPONSE_SCHEMA } from '../schemas.js';
import { handle, type Origin } from './handle.js';
import { MATH_GROUP, MATH_QUEUE, type Operation } from './operations.js';

export const SERVICE_VERSION = '1.0.0';

export function serviceName(op: Operation, region: string): string {
  return `${op.service}-${region}`;
}

/** `process`: the name of the process hosting it, when that is not the instance itself (the local services host). */
export async function startMathService(nc: NatsConnection, op: Operation, origin: Origin, process?: string): Promise<Service> {
  const service = await svcm(nc).add({
    name: serviceName(op, origin.region),
    version: SERVICE_VERSION,
    description: `${op.description} (region ${origin.region})`,
    metadata: {
      region: origin.region,
      instance: origin.instance,
      operation: op.name,
      service: op.service,
      ...(process ? { process } : {}),
    },
    queue: MATH_QUEUE,
  });
  const requestSchema = op.name === 'divide' ? DIVIDE_REQUEST_SCHEMA : MATH_REQUEST_SCHEMA;
  service.addGroup(MATH_GROUP, MATH_QUEUE).addEndpoint(op.name, {
    metadata: {
      'request-schema': JSON.stringify(requestSchema),
      'response-schema': JSON.stringify(MATH_RESPONSE_SCHEMA),
      region: origin.region,
    },
    handler: (err, msg) => {
      if (err) return;
      const out = handle(op, msg.data, origin);
      if (out.ok) msg.respond(JSON.stringify(out.response));
      else msg.respondError(out.code, out.description);
    },
  });
  return service;
}
