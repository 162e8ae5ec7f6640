// Store and forward, as the edge tests prove it in either auth mode: 5 publishes at the edge while
// connected, the hub's and the fallback's seed servers killed (status names the edge cut off), 20
// more acknowledged by the edge's own stream, then stage 06 heals and the hub's `edges` stream
// holds the 25 once each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { poll } from '../../core/poll.js';
import { EDGES_STREAM } from '../../nats/edges.js';

export async function assertStoreAndForward(opts: {
  atEdge: NatsConnection;
  hub: NatsConnection;
  sandboxDir: string;
  /** The problems status reports now. */
  problems: () => Promise<string[]>;
  /** Bring the killed servers back (stage 06); its exit code and output. */
  heal: () => Promise<{ code: number; stdout: string; stderr: string }>;
}): Promise<void> {
  const js = jetstream(opts.atEdge);
  const hubStream = async () => (await (await jetstreamManager(opts.hub)).streams.info(EDGES_STREAM)).state.messages;
  const before = await hubStream();
  for (let i = 0; i < 5; i++) await js.publish('edge.e1.reading', `connected ${i}`, { msgID: `connected-${i}` });
  // Cut off: the hub's and the fallback's servers the edge dials are gone.
  for (const s of ['c1-nats-0', 'c2-nats-0']) spawnSync('pkill', ['-9', '-f', `${opts.sandboxDir}/local/servers/${s}/`]);
  const cut = await poll({
    timeoutMs: 30_000,
    intervalMs: 500,
    attempt: async () => ((await opts.problems()).find((p) => p.startsWith('edge site e1 is cut off')) ? true : undefined),
  });
  assert.ok(cut.value, 'status names the edge cut off');
  // Publishing at the edge goes on being acknowledged, by the edge's own stream.
  for (let i = 0; i < 20; i++) {
    const ack = await js.publish('edge.e1.reading', `cut ${i}`, { msgID: `cut-${i}` });
    assert.equal(ack.stream, 'edge-e1');
  }
  const healed = await opts.heal();
  assert.equal(healed.code, 0, healed.stdout + healed.stderr);
  // The source retries with a backoff after the link was lost: up to a minute.
  const caught = await poll({
    timeoutMs: 60_000,
    intervalMs: 500,
    attempt: async () => ((await hubStream().catch(() => 0)) === before + 25 ? true : undefined),
  });
  assert.ok(caught.value, `the hub's edges stream holds the 25 messages once each: ${await hubStream()} (was ${before})`);
  await sleep(1500);
  assert.equal(await hubStream(), before + 25, 'and no more after a while (each once)');
}
