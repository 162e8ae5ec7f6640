// `partition`: cut regions off from the others at the WAN layer (every process keeps running,
// each side sees the other gone), and heal them.
import { UsageError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { log } from '../../../core/log.js';
import type { Invocation, PartitionAsk } from '../../provider.js';
import type { LocalState } from '../state.js';
import { healPartition, noWanLayer, readLinks, setPartition } from './control.js';
import { pairRegions, type WanSites, wanPairs } from './spec.js';

export type PartitionRequest = { heal: false; regions: string[]; from: string[] } | { heal: true; regions?: string[] };

/**
 * What was asked, checked against the sandbox's sites. Pure. A region is cut off from every
 * other site by default (regions, and edge sites: a region lost to the world loses its edges too);
 * an edge site from every region (edge sites never link to one another).
 */
export function partitionRequest(ask: PartitionAsk, sites: WanSites): PartitionRequest {
  const { regions, edges } = 'regions' in sites ? sites : { regions: sites as readonly string[], edges: [] as string[] };
  const all = [...regions, ...edges];
  const names = ask.regions;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) throw new UsageError(`${unknown.join(', ')}: not a region or edge site of this sandbox (it has ${all.join(', ')})`);
  if (ask.heal) return names.length ? { heal: true, regions: [...names] } : { heal: true };
  if (!names.length) throw new UsageError('name the region(s) to cut off, e.g. partition c3 (or --heal to restore the links)');
  const others = regions.filter((r) => !names.includes(r));
  let fromSites = names.every((n) => edges.includes(n)) ? others : all.filter((r) => !names.includes(r));
  if (ask.from !== undefined) {
    fromSites = ask.from;
    const notSites = fromSites.filter((f) => !all.includes(f));
    if (notSites.length)
      throw new UsageError(`--from names site(s) not in this sandbox: ${notSites.join(', ')} (it has ${all.join(', ')})`);
    const both = fromSites.filter((f) => names.includes(f));
    if (both.length) throw new UsageError(`--from ${both.join(', ')}: a region cannot be cut off from itself`);
    if (!fromSites.length) throw new UsageError('--from needs at least one region to cut off from');
  }
  if (!others.length) {
    throw new UsageError(
      `cutting off every region (${names.filter((n) => regions.includes(n)).join(', ')}) leaves no two regions connected and nothing to compare; name fewer, e.g. partition ${regions[regions.length - 1]}`,
    );
  }
  return { heal: false, regions: [...names], from: fromSites };
}

const describeCut = (cut: readonly string[]) => cut.map((k) => pairRegions(k).join('/')).join(', ');

export async function partitionLocal(inv: Invocation, ask: PartitionAsk): Promise<void> {
  const sandboxDir = inv.settings.sandboxDir;
  const state = inv.saved() as LocalState | undefined;
  if (!state)
    throw new UsageError(
      `no local sandbox in ${sandboxDir}; install one first, e.g. ${commandHint('install', ['c1', 'c2', 'c3', '--wan', '40ms'])}`,
    );
  const sites = { regions: state.names, edges: (state.edges ?? []).map((e) => e.name) };
  const req = partitionRequest(ask, sites);
  if (!readLinks(sandboxDir)) throw noWanLayer(sandboxDir, state.names);
  if (req.heal) {
    if (inv.dryRun) return log.info(`would restore the links of ${req.regions?.join(', ') ?? 'every region'}`);
    await healPartition(sandboxDir, req.regions);
    const left = readLinks(sandboxDir)?.cut ?? [];
    log.info(
      `links restored${left.length ? `; still cut: ${describeCut(left)}` : ': no region is cut off'}; the supercluster heals on its own (watch it with ${commandHint('status')})`,
    );
    return;
  }
  if (inv.dryRun) return log.info(`would cut ${req.regions.join(', ')} off from ${req.from.join(', ')}`);
  const cut = await setPartition(sandboxDir, req.regions, req.from, wanPairs(sites));
  log.info(
    `${req.regions.join(', ')} cut off from ${req.from.join(', ')}: connections between them dropped, new ones refused, every process still running` +
      `\n  cut now: ${describeCut(cut)}\n  heal with: ${commandHint('partition', ['--heal'])}`,
  );
}
