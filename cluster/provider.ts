// The provider interface (what a provider implements for the numbered stages and the commands
// around them) and the per-run invocation every stage gets: the command's input, its settings, the
// one runner, and the one topology of the run. Which providers exist: providers.ts.
import { createRunner, type Runner } from '../core/command.js';
import type { ParsedArgs, ProviderName } from '../core/input.js';
import type { Settings } from '../core/settings.js';
import type { Observation } from '../nats/observation.js';
import { resolveTopology, type SavedTopology, type Topology } from '../nats/topology.js';
import type { DrillOptions } from './drill-spec.js';

export const STAGES = [
  { id: '01-clusters' },
  { id: '02-certs' },
  { id: '03-linkerd' },
  { id: '04-observability' },
  { id: '05-ingress' },
  { id: '06-supercluster' },
  { id: '07-jetstream' },
  { id: '08-services' },
] as const;

export type StageId = (typeof STAGES)[number]['id'];

export type ConcreteProvider = Exclude<ProviderName, 'auto'>;

/** One command run: what it was asked, with what settings, against which saved sandbox. */
export interface Invocation {
  /** The names given, else the ones the sandbox saved. */
  readonly names: string[];
  args: ParsedArgs;
  settings: Settings;
  provider: ConcreteProvider;
  runner: Runner;
  dryRun: boolean;
  /** What this sandbox saved for this provider, if it exists (read when first asked: delete must work on unreadable state). */
  saved(): SavedTopology | undefined;
  /** The topology of this run (see resolveTopology), computed once. */
  topology(): Topology;
}

export type StageFn = (inv: Invocation) => Promise<void>;

/** A partition as asked: cut `regions` off from `from` (default every other region), or heal them (none: all). */
export type PartitionAsk = { heal: false; regions: string[]; from?: string[] } | { heal: true; regions: string[] };

export interface Provider {
  name: ConcreteProvider;
  stages: Partial<Record<StageId, StageFn>>;
  /** One line on why a stage does nothing for this provider. */
  skipped: Partial<Record<StageId, string>>;
  /** The names and replicas this provider's sandbox was made with, if any. */
  saved(settings: Settings): SavedTopology | undefined;
  /** Checks install makes before its first stage, so bad input fails with nothing half-made. */
  preflight?(inv: Invocation): Promise<void>;
  /**
   * install only: work a later stage takes over, started in the background once stage `after`
   * succeeded (the input is checked by then), so it runs while the stages between do theirs.
   */
  headStart?: { after: StageId; start(inv: Invocation): Promise<void> | void };
  /** Take the named regions down (all their processes or nodes) or bring them back. */
  region?(inv: Invocation, action: 'down' | 'up'): Promise<void>;
  /** Cut regions' links off from others (both sides keep running), or heal them. */
  partition?(inv: Invocation, request: PartitionAsk): Promise<void>;
  /**
   * A drill: everything it can refuse is refused here, against the sandbox as it is (nothing
   * changes); what it returns runs the drill and gives its exit code.
   */
  drill?(inv: Invocation, options: DrillOptions): Promise<() => Promise<number>>;
  /** Why an operation above is missing, for the message that refuses it. */
  refusals?: Partial<Record<'region' | 'partition' | 'drill', string>>;
  /**
   * The live sandbox compared with its topology (what status prints and the page draws).
   * `waitMs`: how long to wait for servers that do not answer (the live page asks for less).
   */
  observe(inv: Invocation, opts?: { waitMs?: number }): Promise<Observation>;
  /** Where a client reaches each cluster from this machine, when the provider knows it. */
  clientUrl?(inv: Invocation): (cluster: string) => string;
  delete(inv: Invocation): Promise<void>;
}

export function createInvocation(args: ParsedArgs, settings: Settings, provider: Provider, names: string[] = args.names): Invocation {
  let saved: { value: SavedTopology | undefined } | undefined;
  const read = () => {
    saved ??= { value: provider.saved(settings) };
    return saved.value;
  };
  return invocationFor(
    { args, settings, provider: provider.name, runner: createRunner(args.dryRun), dryRun: args.dryRun, saved: read },
    names,
  );
}

/** The same run for other names (region --up reconciles the whole sandbox). */
export function withNames(inv: Invocation, names: string[]): Invocation {
  return invocationFor(inv, names);
}

/** An invocation of `names` over a run's fixed parts: the topology resolved once, when first asked. */
function invocationFor(run: Omit<Invocation, 'names' | 'topology'>, names: string[]): Invocation {
  let topology: Topology | undefined;
  return {
    args: run.args,
    settings: run.settings,
    provider: run.provider,
    runner: run.runner,
    dryRun: run.dryRun,
    saved: run.saved,
    get names() {
      return names.length ? names : [...(run.saved()?.names ?? [])];
    },
    topology() {
      topology ??= resolveTopology({
        names,
        ...(run.args.edges ? { edges: run.args.edges } : {}),
        flags: run.args.replicas,
        saved: run.saved(),
        env: run.settings.replicas,
      });
      return topology;
    },
  };
}
