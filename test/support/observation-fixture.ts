// Observations for the view-model and picture tests: a small supercluster as its servers would
// report it (test/support/live.ts), with regions down, JetStream and services. No server runs.
import { type JetStreamView, type Observation, observation, type ServiceView } from '../../nats/observation.js';
import { buildTopology } from '../../nats/topology.js';
import { healthyLive } from './live.js';

export const SMALL = { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } };

export const JETSTREAM: JetStreamView = {
  streams: [
    {
      name: 'answers',
      cluster: 'xr-js',
      placementTags: ['dc:xr'],
      replicas: 3,
      leader: 'c1-xr-js-nats-0',
      followers: [
        { name: 'c2-xr-js-nats-0', current: true, lag: 0, offline: false },
        { name: 'c3-xr-js-nats-0', current: false, lag: 7, offline: false },
      ],
      messages: 42,
      bytes: 4200,
      consumers: [{ stream: 'answers', name: 'answers-consumer', pending: 2, ackPending: 1, redelivered: 0 }],
    },
  ],
  kv: [{ bucket: 'sandbox-config', values: 3, replicas: 3, cluster: 'xr-js' }],
};

export const SERVICES: ServiceView[] = [
  { region: 'c1', name: 'adder-c1', instance: 'c1-adder-0', requests: 10, errors: 0 },
  { region: 'c1', name: 'divider-c1', instance: 'c1-divider-0', requests: 5, errors: 2 },
  { region: 'c2', name: 'adder-c2', instance: 'c2-adder-0', requests: 7, errors: 0 },
];

export function smallObservation(names = ['c1', 'c2', 'c3'], down: string[] = []): Observation {
  const topology = buildTopology(names, SMALL);
  const live = healthyLive(topology, (dc) => !down.includes(dc));
  return observation({
    topology,
    live,
    jetstream: JETSTREAM,
    services: SERVICES.filter((s) => !down.includes(s.region)),
    at: new Date('2026-01-01T00:00:00Z'),
  });
}
