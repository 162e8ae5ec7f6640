// What a command is, in one module per command (scripts/lib/commands/<name>.ts): its name and
// summary, its positionals, its flags typed beside their parsers (core/flags.ts: a flag's value
// reaches the command as a domain value), whether it changes the sandbox (then it runs under the
// sandbox's lock), what it needs, and its action. The help text, the dispatcher (run.ts) and the
// command reference (docs/commands.md) are all made from these declarations.
import type { Invocation, Provider } from '../../cluster/provider.js';
import { UsageError } from '../../core/errors.js';
import { type Flags, flag, type OptionsOf } from '../../core/flags.js';
import { type ParsedArgs, PROVIDERS, type ProviderName, parseReplicas } from '../../core/input.js';
import type { Settings } from '../../core/settings.js';
import { ROLES } from '../../nats/topology.js';

/**
 * What the positionals are: cluster names that define the topology (at least one), cluster names
 * of the saved sandbox to act on (a selection; none: all of it), the command's own words, or none.
 */
export type Positionals = 'topology' | 'selection' | 'own' | 'none';

/** Where the clusters live and what they are made of: the flags of every command on a sandbox. */
export const SANDBOX_FLAGS = {
  provider: flag.parsed('auto|local|k3d|kube', 'where the clusters live (default: PROVIDER in .env, else auto)', (raw, label) => {
    if (!PROVIDERS.includes(raw as ProviderName)) throw new UsageError(`${label} must be one of ${PROVIDERS.join(', ')}; got '${raw}'`);
    return raw as ProviderName;
  }),
  context: flag.repeated('name=ctx', 'kubectl context of a cluster name (kube provider), repeatable'),
  replicas: flag.parsed('role=n,...', `servers per role per cluster, roles ${ROLES.join(', ')} (default 3 each)`, parseReplicas),
  'dry-run': flag.boolean('print every command with its context, run none'),
};

export type SandboxFlags = typeof SANDBOX_FLAGS;

interface CommandBase<F extends Flags> {
  /** The entry script's name: scripts/<name>.mjs. */
  name: string;
  summary: string;
  /** The usage after `npx zx scripts/<name>.mjs` when it is not the default for its positionals. */
  usage?: string;
  positionals: Positionals;
  flags: F;
  /** Its output is machine-readable (or commands for `| sh`): messages then go to stderr. */
  quiet?: (options: OptionsOf<F>) => boolean;
  /** Checks across options and positionals, before anything runs. */
  check?: (options: OptionsOf<F>, positionals: readonly string[]) => void;
}

/** A command on a sandbox: it gets the provider and the run's invocation (SANDBOX_FLAGS included). */
export interface SandboxCommand<F extends Flags = Flags, P = void> extends CommandBase<F> {
  needs: 'sandbox';
  /** It changes the sandbox: it runs under the sandbox's lock (not in a dry run). */
  mutates: boolean;
  /** What its own flags add to the run's topology selection (--wan): given the regions and the edge sites named. */
  selects?: (options: OptionsOf<F>, names: readonly string[], edges: readonly string[]) => Partial<ParsedArgs>;
  /** Its selection may name the sandbox's edge sites as well as its regions (partition e1). */
  takesEdgeSites?: boolean;
  /** What must be refused before the lock is taken (a drill checks the sandbox it will fault). */
  prepare?: (ctx: SandboxContext<OptionsOf<F>>) => P | Promise<P>;
  run(ctx: SandboxContext<OptionsOf<F>> & { prepared: P }): Promise<number | undefined>;
}

/** A command that needs only the settings (render, tools, request). */
export interface PlainCommand<F extends Flags = Flags> extends CommandBase<F> {
  needs: 'settings';
  run(ctx: PlainContext<OptionsOf<F>>): Promise<number | undefined>;
}

// biome-ignore lint/suspicious/noExplicitAny: a command of any flags, as the dispatcher holds it
export type Command = SandboxCommand<any, any> | PlainCommand<any>;

export interface PlainContext<O> {
  options: O;
  /** The positionals as given. */
  positionals: string[];
  settings: Settings;
}

export interface SandboxContext<O> extends PlainContext<O> {
  provider: Provider;
  invocation: Invocation;
}

/** A command on a sandbox, its flags' types inferred. */
export function sandboxCommand<F extends Flags, P = void>(command: Omit<SandboxCommand<F, P>, 'needs'>): SandboxCommand<F, P> {
  return { ...command, needs: 'sandbox' };
}

/** A command that needs only the settings, its flags' types inferred. */
export function plainCommand<F extends Flags>(command: Omit<PlainCommand<F>, 'needs'>): PlainCommand<F> {
  return { ...command, needs: 'settings' };
}

/** The flags a command takes: its own, and the sandbox's when it acts on one. */
export function flagsOf(command: Command): Flags {
  return command.needs === 'sandbox' ? { ...SANDBOX_FLAGS, ...command.flags } : command.flags;
}
