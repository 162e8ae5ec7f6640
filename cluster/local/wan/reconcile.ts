// Stage 06's part of the WAN layer: the router process runs while the sandbox has --wan, with the
// links of its layout; a change of delays only rewrites the links file (the router applies it, no
// restart); --wan off stops the router (the servers, configured without links, restart directly).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError } from '../../../core/errors.js';
import { log } from '../../../core/log.js';
import { PROJECT_ROOT } from '../../../core/settings.js';
import type { Topology } from '../../../nats/topology.js';
import { describeBusyPorts, findBusyPorts } from '../port-check.js';
import { applyProcesses, type DesiredProcess, planProcesses } from '../reconciler.js';
import { type LocalState, localPaths, wanGroup } from '../state.js';
import { changeLinks, readLinks, routerApplied } from './control.js';
import { routerConfig, wanFiles, wanSites } from './layout.js';
import { writeJsonAtomic } from './router.js';
import { describeWan, type LinkSettings, type RttTable, wanPairs } from './spec.js';

export const ROUTER = 'router';

export function desiredRouter(sandboxDir: string, topo: Topology, state: LocalState): DesiredProcess[] {
  if (!state.wan || !state.links) return [];
  const files = wanFiles(sandboxDir);
  const config = routerConfig(topo, state.ports, state.links, sandboxDir, localPaths(sandboxDir).servers);
  return [
    {
      name: ROUTER,
      command: process.execPath,
      args: ['--max-semi-space-size=1', join(PROJECT_ROOT, 'cluster', 'local', 'wan', 'router.cjs'), files.config],
      // Fixed, so a caller's PATH never counts as a change (lsof, on macOS, lives in /usr/sbin).
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
      cwd: PROJECT_ROOT,
      files: { 'router.json': `${JSON.stringify(config, null, 2)}\n` },
      marker: files.config,
    },
  ];
}

const sameTable = (a: RttTable, b: RttTable) => JSON.stringify(a) === JSON.stringify(b);

/** Start, change or stop the router so it matches the saved state, before the servers start. */
export async function reconcileWan(
  sandboxDir: string,
  topo: Topology,
  state: LocalState,
  table: RttTable | undefined,
  dryRun: boolean,
): Promise<void> {
  const group = wanGroup(sandboxDir);
  const desired = desiredRouter(sandboxDir, topo, state);
  const plan = planProcesses(group, desired);
  const files = wanFiles(sandboxDir);
  if (dryRun) {
    if (table)
      log.info(
        `WAN layer: would ${plan.actions.get(ROUTER)} the router on ${Object.keys(state.links ?? {}).length} links, ${describeWan(table)}`,
      );
    else if (plan.obsolete.length) log.info('WAN layer: would stop the router (regions linked directly)');
    return;
  }
  const action = plan.actions.get(ROUTER);
  if (!table) {
    if (plan.obsolete.length) {
      await applyProcesses(group, [], plan, { say: () => {} });
      log.info('WAN layer off: router stopped, regions linked directly');
    }
    return;
  }
  const current = readLinks(sandboxDir);
  // A partition in force stays (partition.mjs --heal ends it); pairs of sites gone are dropped.
  const pairs = new Set(wanPairs(wanSites(topo)));
  const cut = (current?.cut ?? []).filter((k) => pairs.has(k));
  if (action === 'unchanged') {
    if (!current || !sameTable(current.rttMs, table) || cut.length !== current.cut.length) {
      await changeLinks(sandboxDir, () => ({ rttMs: table, cut }));
      log.info(`WAN layer: ${describeWan(table)} (applied without restarting anything)`);
    }
    return;
  }
  if (action === 'start' || action === 'heal') {
    const needed = Object.entries(state.links!).map(([name, port]) => ({ port, owner: `WAN link ${name}` }));
    const busy = await findBusyPorts(needed);
    if (busy.length) throw new SandboxError(describeBusyPorts(busy));
  }
  mkdirSync(files.dir, { recursive: true });
  const links: LinkSettings = { generation: (current?.generation ?? 0) + 1, rttMs: table, cut };
  writeJsonAtomic(files.links, links);
  await applyProcesses(group, desired, plan, { say: (name, what) => log.cluster(`wan-${name}`, what) });
  await routerApplied(sandboxDir, links.generation);
  log.info(`WAN layer: ${describeWan(table)} on ${Object.keys(state.links!).length} links${cut.length ? `; cut: ${cut.join(', ')}` : ''}`);
}
