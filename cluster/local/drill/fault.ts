// What a drill's fault is: how it is applied and undone, and what it is given to do so. The kinds
// are in faults.ts (and revoke.ts); this is the shape they share.
import type { Credentials } from '../../../nats/server-config.js';
import type { Topology } from '../../../nats/topology.js';
import type { LocalState } from '../state.js';
import type { LoadRegion } from './load.js';

export interface FaultContext {
  sandboxDir: string;
  state: LocalState;
  topo: Topology;
  seed: number;
  /** The sandbox's credentials (revoke: its drill user's load clients connect as the requester's twin). */
  credentials: Credentials;
  /** Every process of the sandbox back where it should be: the reconcile `region --up` runs (stages 06 and 08). */
  reconcile: () => Promise<void>;
  /** Start the private MariaDB again: stage 08, the sandbox's own fix for a stopped database. */
  startMysql: () => Promise<void>;
  /** The servers leading the answers stream and the JetStream meta group now. */
  leaders: () => Promise<{ stream?: string; meta?: string }>;
}

export interface Fault {
  /** Apply it; returns what was done, one line each. */
  apply(): Promise<string[]>;
  /** Undo it; safe after a partial apply and when called twice. */
  restore(): Promise<void>;
  /** The command that undoes it by hand, for when the restore itself fails. */
  manualFix: string;
  /** Load clients of the fault's own, started with the drill's load (revoke: the user it revokes). */
  load?(): Promise<LoadRegion[]>;
  /** What the fault measured, for the report (revoke: the servers' times). */
  measured?(): Record<string, unknown> | undefined;
}
