// Where the answers stream's leader sits decides what a publish costs across a WAN: the benches
// put it in the region they need with one preferred step-down (nats/live/stream-leader.ts).
import type { NatsConnection } from '@nats-io/transport-node';
import { SandboxError } from '../../core/errors.js';
import { poll } from '../../core/poll.js';
import { ANSWERS_STREAM } from '../../nats/accounts.js';
import { moveStreamLeader } from '../../nats/live/stream-leader.js';
import { type StreamPlacement, streamPlacement } from '../../nats/live/stream-placement.js';
import type { Topology } from '../../nats/topology.js';

/**
 * Moves the answers leader to a replica in a region `wanted` accepts (the first such replica by
 * name), unless it is in one already; returns the leader's name.
 */
export async function answersLeaderIn(nc: NatsConnection, topo: Topology, wanted: (region: string) => boolean): Promise<string> {
  const regionOf = (server: string) => topo.servers.find((s) => s.name === server)?.datacenter ?? '';
  // Right after stage 06 restarted the servers holding it, the stream may not answer yet.
  const read = await poll<StreamPlacement>({
    timeoutMs: 30_000,
    intervalMs: 200,
    attempt: async () => ((p) => (p.leader ? p : undefined))(await streamPlacement(nc, ANSWERS_STREAM)),
  });
  const placement = read.value;
  if (!placement?.leader) {
    throw new SandboxError(`the ${ANSWERS_STREAM} stream reported no leader in 30 s${read.lastError ? `: ${read.lastError}` : ''}`);
  }
  if (wanted(regionOf(placement.leader))) return placement.leader;
  const target = placement.servers.find((s) => wanted(regionOf(s)));
  if (!target) throw new SandboxError(`no replica of ${ANSWERS_STREAM} is in a region the bench needs: ${placement.servers.join(', ')}`);
  await moveStreamLeader(nc, ANSWERS_STREAM, target);
  return target;
}
