import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumerInfo, StreamInfo } from '@nats-io/jetstream';
import { jetstreamView } from '../../../../nats/live/jetstream-observe.js';

const stream = (name: string, extra: Partial<StreamInfo> = {}, placement?: { cluster: string; tags: string[] }) =>
  ({
    config: { name, num_replicas: 3, ...(placement ? { placement } : {}) },
    state: { messages: 5, bytes: 50, consumer_count: 1 },
    ...extra,
  }) as unknown as StreamInfo;

describe('jetstreamView', () => {
  it('turns stream infos into streams (leader, followers with lag, placement, consumers) and KV_ streams into buckets', () => {
    const view = jetstreamView(
      [
        stream('KV_sandbox-config', { cluster: { name: 'xr-js', leader: 'c2-xr-js-nats-0' } } as Partial<StreamInfo>),
        stream(
          'answers',
          {
            cluster: {
              name: 'xr-js',
              leader: 'c1-xr-js-nats-0',
              replicas: [
                { name: 'c3-xr-js-nats-0', current: false, offline: true, active: 0, lag: 4 },
                { name: 'c2-xr-js-nats-0', current: true, offline: false, active: 0, lag: 0 },
              ],
            },
          } as Partial<StreamInfo>,
          { cluster: 'xr-js', tags: ['dc:xr'] },
        ),
      ],
      [{ stream_name: 'answers', name: 'answers-consumer', num_pending: 3, num_ack_pending: 1, num_redelivered: 2 } as ConsumerInfo],
    );
    assert.deepEqual(view, {
      streams: [
        {
          name: 'answers',
          cluster: 'xr-js',
          placementTags: ['dc:xr'],
          replicas: 3,
          leader: 'c1-xr-js-nats-0',
          followers: [
            { name: 'c2-xr-js-nats-0', current: true, lag: 0, offline: false },
            { name: 'c3-xr-js-nats-0', current: false, lag: 4, offline: true },
          ],
          messages: 5,
          bytes: 50,
          consumers: [{ stream: 'answers', name: 'answers-consumer', pending: 3, ackPending: 1, redelivered: 2 }],
        },
      ],
      kv: [{ bucket: 'sandbox-config', values: 5, replicas: 3, cluster: 'xr-js' }],
    });
  });
});
