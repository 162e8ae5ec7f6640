// The services framework on our connection. @nats-io/services (latest 3.0.0-25) pins an older
// nats-core than transport-node 3.4; the connection it uses at run time is the same object, only
// the type declarations differ, so the cast lives here, once.
import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';

export function svcm(nc: NatsConnection): Svcm {
  return new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]);
}
