// What the commands change on a running WAN layer: the delays between regions and the cut links
// (partitions). The router (router.ts) applies a change without restarting anything.
// INTERFACE FIRST: implemented in the next commits; the drill command builds on these signatures.
import { SandboxError } from '../../../core/errors.js';

/** Round-trip delay in ms per pair of regions ("a~b", names sorted); pairs not listed: 0. */
export type RttTable = Record<string, number>;

/** What the router applies now. */
export interface LinkSettings {
  generation: number;
  rttMs: RttTable;
  /** Cut pairs ("a~b"): established connections dropped, new ones refused. */
  cut: string[];
}

/** The links of the sandbox's WAN layer, or undefined when its regions are linked directly. */
export function readLinks(_sandboxDir: string): LinkSettings | undefined {
  throw new SandboxError('not implemented yet');
}

/** Cut `regions` off from `from` (both sides keep running); resolves once the router applied it. */
export async function setPartition(_sandboxDir: string, _regions: readonly string[], _from: readonly string[]): Promise<string[]> {
  throw new SandboxError('not implemented yet');
}

/** Restore the links of `regions` (all when omitted); resolves once the router applied it. */
export async function healPartition(_sandboxDir: string, _regions?: readonly string[]): Promise<void> {
  throw new SandboxError('not implemented yet');
}

/** Set the round-trip delays; resolves once the router applied them (no process restarts). */
export async function setDelays(_sandboxDir: string, _rttMs: RttTable): Promise<void> {
  throw new SandboxError('not implemented yet');
}
