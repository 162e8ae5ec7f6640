// What commands change on a running WAN layer: the delays between regions and the cut links
// (partitions). A change is written to the links file and the router told (SIGHUP); it is in force
// when the router says it applied that generation. Nothing restarts.

import { existsSync, readFileSync } from 'node:fs';
import { SandboxError, UsageError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { poll } from '../../../core/poll.js';
import { runningPid } from '../reconciler.js';
import { readLocalState, wanGroup } from '../state.js';
import { wanFiles } from './layout.js';
import { readLinkSettings, writeJsonAtomic } from './router.js';
import { type LinkSettings, pairKey, pairRegions, type RttTable } from './spec.js';

export type { LinkSettings, RttTable };

/** The links of the sandbox's WAN layer, or undefined when its regions are linked directly. */
export function readLinks(sandboxDir: string): LinkSettings | undefined {
  const file = wanFiles(sandboxDir).links;
  if (!existsSync(file)) return undefined;
  try {
    return readLinkSettings(file);
  } catch (e) {
    throw new SandboxError(`${file} cannot be read (${(e as Error).message})\nfix: re-run stage 06, which writes it again`);
  }
}

export function routerPid(sandboxDir: string): number | undefined {
  return runningPid(wanGroup(sandboxDir), 'router', wanFiles(sandboxDir).config);
}

function appliedGeneration(sandboxDir: string): number {
  try {
    return (JSON.parse(readFileSync(wanFiles(sandboxDir).applied, 'utf8')) as { generation: number }).generation;
  } catch {
    return -1;
  }
}

/** Wait until the router says it applied `generation` (it writes the file once it listens, too). */
export async function routerApplied(sandboxDir: string, generation: number, timeoutMs = 10_000): Promise<void> {
  const r = await poll({
    timeoutMs,
    intervalMs: 25,
    attempt: async () => (appliedGeneration(sandboxDir) >= generation ? true : undefined),
  });
  if (!r.value) {
    throw new SandboxError(
      `the WAN router did not apply links generation ${generation} within ${timeoutMs / 1000} s\nfix: look at ${wanFiles(sandboxDir).dir}/router.log`,
    );
  }
}

/** Write the next links and wait until the router applied them. */
export async function changeLinks(
  sandboxDir: string,
  change: (current: LinkSettings) => Omit<LinkSettings, 'generation'>,
): Promise<LinkSettings> {
  const current = readLinks(sandboxDir);
  if (!current) throw noWanLayer(sandboxDir, readLocalState(sandboxDir)?.names ?? ['<names>']);
  const pid = routerPid(sandboxDir);
  if (!pid) {
    throw new SandboxError(
      `the WAN router of ${sandboxDir} is not running\nfix: ${commandHint('06-supercluster')} starts it again (log: ${wanFiles(sandboxDir).dir}/router.log)`,
    );
  }
  const next: LinkSettings = { ...change(current), generation: current.generation + 1 };
  writeJsonAtomic(wanFiles(sandboxDir).links, next);
  process.kill(pid, 'SIGHUP');
  await routerApplied(sandboxDir, next.generation);
  return next;
}

export function noWanLayer(sandboxDir: string, names: readonly string[]): UsageError {
  return new UsageError(
    `the regions of the sandbox in ${sandboxDir} are linked directly, without the WAN layer that delays and cuts links\n` +
      `fix: ${commandHint('06-supercluster', [...names, '--wan', '0ms'])} (or --wan 40ms) turns it on: the servers restart once with the links in between`,
  );
}

/**
 * Cut `regions` (or edge sites) off from `from` (both sides keep running); resolves once the
 * router applied it. `linked`: the pairs the layer carries (two edge sites are never linked).
 */
export async function setPartition(
  sandboxDir: string,
  regions: readonly string[],
  from: readonly string[],
  linked?: readonly string[],
): Promise<string[]> {
  const pairs = regions.flatMap((a) => from.filter((b) => b !== a).map((b) => pairKey(a, b))).filter((k) => !linked || linked.includes(k));
  const next = await changeLinks(sandboxDir, (c) => ({ rttMs: c.rttMs, cut: [...new Set([...c.cut, ...pairs])].sort() }));
  return next.cut;
}

/** Restore the links of `regions` (all when omitted); resolves once the router applied it. */
export async function healPartition(sandboxDir: string, regions?: readonly string[]): Promise<void> {
  await changeLinks(sandboxDir, (c) => ({
    rttMs: c.rttMs,
    cut: regions ? c.cut.filter((k) => !pairRegions(k).some((r) => regions.includes(r))) : [],
  }));
}

/** Set the round-trip delays; resolves once the router applied them (no process restarts). */
export async function setDelays(sandboxDir: string, rttMs: RttTable): Promise<void> {
  await changeLinks(sandboxDir, (c) => ({ rttMs, cut: c.cut }));
}
