// The faults a drill applies to a local sandbox and how each is undone. Applying returns what was
// done, in words; restoring is safe to call whatever part of the apply happened (the drill's
// `finally` and its signal handler both call it), and says how to undo by hand if it fails.

import { SandboxError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { poll } from '../../../core/poll.js';
import type { EdgeSite, Topology } from '../../../nats/topology.js';
import { type DrillSpec, everyPair, pickServers } from '../../drill-spec.js';
import { stopPrivateMysql } from '../mysql.js';
import { commandOf } from '../processes.js';
import { runningPid } from '../reconciler.js';
import { stopRegions } from '../region.js';
import { localPaths, serverGroup } from '../state.js';
import { healPartition, type RttTable, readLinks, setDelays, setPartition } from '../wan/control.js';
import type { Fault, FaultContext } from './fault.js';
import { revokeFault } from './revoke.js';

export type { Fault, FaultContext };

/** kill -9 the servers (their pids from the reconciler's pid files); resolves once they are gone. */
export async function killServers(sandboxDir: string, names: readonly string[]): Promise<number[]> {
  const group = serverGroup(sandboxDir);
  const pids = names.flatMap((n) => {
    const pid = runningPid(group, n, localPaths(sandboxDir).conf(n));
    return pid ? [pid] : [];
  });
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const gone = await poll({
    timeoutMs: 10_000,
    intervalMs: 50,
    attempt: async () => (pids.every((p) => !commandOf(p)) ? true : undefined),
  });
  if (!gone.value) throw new SandboxError(`servers ${names.join(', ')} still run after SIGKILL`);
  return pids;
}

export function faultFor(spec: DrillSpec, ctx: FaultContext): Fault {
  const dir = ctx.sandboxDir;
  const reconcileFix = commandHint('region', [...ctx.state.names, '--up']);
  switch (spec.kind) {
    case 'region-loss':
      return {
        async apply() {
          const r = await stopRegions(dir, ctx.state, spec.regions);
          return [`stopped region ${spec.regions.join(', ')}: ${r.stopped} servers and ${r.stoppedServices} service processes`];
        },
        restore: ctx.reconcile,
        manualFix: reconcileFix,
      };
    case 'leader-kill':
      return {
        async apply() {
          const { stream, meta } = await ctx.leaders();
          if (!stream && !meta) throw new SandboxError('neither the answers stream nor the JetStream meta group has a leader to kill');
          const names = [...new Set([stream, meta].filter((n): n is string => !!n))];
          const pids = await killServers(dir, names);
          return [
            `answers stream leader: ${stream ?? 'none'}; JetStream meta leader: ${meta ?? 'none'}`,
            `kill -9 ${names.join(', ')} (pid ${pids.join(', ')})`,
          ];
        },
        restore: ctx.reconcile,
        manualFix: reconcileFix,
      };
    case 'server-kill':
      return {
        async apply() {
          const names = pickServers(
            ctx.topo.servers.map((s) => s.name),
            spec.count,
            ctx.seed,
          );
          const pids = await killServers(dir, names);
          return [`kill -9 ${names.join(', ')} (pid ${pids.join(', ')})`];
        },
        restore: ctx.reconcile,
        manualFix: reconcileFix,
      };
    case 'mysql-outage':
      return {
        async apply() {
          await stopPrivateMysql(dir);
          return [`stopped the private MariaDB for ${spec.seconds}s`];
        },
        restore: ctx.startMysql,
        manualFix: commandHint('08-services', ctx.state.names),
      };
    case 'partition': {
      const others = ctx.state.names.filter((n) => !spec.regions.includes(n));
      return {
        async apply() {
          const cut = await setPartition(dir, spec.regions, others);
          return [`cut ${spec.regions.join(', ')} off from ${others.join(', ')}: ${cut.join(', ')}`];
        },
        restore: () => healPartition(dir, spec.regions),
        manualFix: commandHint('partition', [...spec.regions, '--heal']),
      };
    }
    case 'edge-loss': {
      const edge = edgeOf(ctx.topo, spec.edge);
      return {
        async apply() {
          const pids = await killServers(dir, edge.servers);
          return [`kill -9 edge site ${edge.name}'s ${edge.servers.join(', ')} (pid ${pids.join(', ')})`];
        },
        restore: ctx.reconcile,
        manualFix: reconcileFix,
      };
    }
    case 'edge-partition':
      return {
        async apply() {
          const cut = await setPartition(dir, [spec.edge], ctx.state.names);
          return [`cut edge site ${spec.edge} off from ${ctx.state.names.join(', ')}: ${cut.join(', ')}`];
        },
        restore: () => healPartition(dir, [spec.edge]),
        manualFix: commandHint('partition', [spec.edge, '--heal']),
      };
    case 'slow-wan': {
      let previous: RttTable | undefined;
      return {
        async apply() {
          previous = { ...readLinks(dir)?.rttMs };
          const raised = everyPair(ctx.state.names, spec.rttMs);
          // Raise, never lower: a pair already slower keeps its delay.
          for (const [pair, ms] of Object.entries(previous)) raised[pair] = Math.max(raised[pair] ?? 0, ms);
          await setDelays(dir, raised);
          return [`round trip of every pair of regions raised to ${spec.rttMs} ms (was ${describeRtt(previous)})`];
        },
        async restore() {
          if (previous) await setDelays(dir, previous);
        },
        manualFix: commandHint('install', [...ctx.state.names, '--wan', '<the delays you had>']),
      };
    }
    case 'revoke':
      return revokeFault(ctx);
  }
}

function edgeOf(topo: Topology, name: string): EdgeSite {
  const edge = topo.edges.find((e) => e.name === name);
  if (!edge) throw new SandboxError(`no edge site ${name} in this sandbox`);
  return edge;
}

function describeRtt(t: RttTable): string {
  const parts = Object.entries(t).map(([pair, ms]) => `${pair} ${ms} ms`);
  return parts.join(', ') || '0 ms';
}
