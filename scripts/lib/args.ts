// Command-line parsing and validation. Everything here runs before any side effect, so bad input
// fails with a clear message and nothing half-made.
import { parseArgs as nodeParseArgs } from 'node:util';
import { UsageError } from '../../core/errors.js';
import {
  MAX_NAME_LENGTH,
  type ParsedArgs,
  PROVIDERS,
  type ProviderName,
  parseContexts,
  parseReplicas,
  validateNames,
} from '../../core/input.js';
import { ROLES } from '../../nats/topology.js';

export type { ParsedArgs };

export interface FlagSpec {
  type: 'boolean' | 'string';
  multiple?: boolean;
  description: string;
  placeholder?: string;
}

const COMMON_FLAGS: Record<string, FlagSpec> = {
  provider: {
    type: 'string',
    placeholder: 'auto|local|k3d|kube',
    description: 'where the clusters live (default: PROVIDER in .env, else auto)',
  },
  context: {
    type: 'string',
    multiple: true,
    placeholder: 'name=ctx',
    description: 'kubectl context of a cluster name (kube provider), repeatable',
  },
  replicas: {
    type: 'string',
    placeholder: 'role=n,...',
    description: `servers per role per cluster, roles ${ROLES.join(', ')} (default 3 each)`,
  },
  'dry-run': { type: 'boolean', description: 'print every command with its context, run none' },
  help: { type: 'boolean', description: 'show this help' },
};

export interface CommandSpec {
  name: string;
  summary: string;
  /** Whether cluster names are required (status/delete accept none: they use the saved plan). */
  namesRequired: boolean;
  flags?: Record<string, FlagSpec>;
  /** The positionals are the command's own arguments, not cluster names (drill: a kind and its arguments). */
  ownPositionals?: boolean;
  /** The usage line after `npx zx scripts/<name>.mjs`, when it is not `<name>...`. */
  usage?: string;
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const flags = { ...COMMON_FLAGS, ...spec.flags };
  const options = Object.fromEntries(
    Object.entries(flags).map(([k, f]) => [k, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }]),
  );
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: argv, options: options as never, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg}\nrun '${spec.name} --help' for the flags it takes`);
  }
  // A flag given twice would silently keep the last value: say so instead.
  const seen = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === 'option') seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const repeated = [...seen].filter(([name, n]) => n > 1 && !flags[name]?.multiple).map(([name]) => `--${name}`);
  if (repeated.length) throw new UsageError(`${repeated.join(', ')} given more than once; give each flag once`);
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true;
  const names = parsed.positionals;
  if (!help && !spec.ownPositionals) {
    if (spec.namesRequired && names.length === 0)
      throw new UsageError(`${spec.name} needs at least one cluster name, e.g. ${spec.name} c1 c2 c3`);
    validateNames(names);
  }
  const provider = values.provider as string | undefined;
  if (provider !== undefined && !PROVIDERS.includes(provider as ProviderName)) {
    throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}; got '${provider}'`);
  }
  const contexts = parseContexts((values.context as string[] | undefined) ?? []);
  const unknownContexts = Object.keys(contexts).filter((n) => !names.includes(n));
  if (unknownContexts.length && !help) throw new UsageError(`--context names cluster(s) not in the list: ${unknownContexts.join(', ')}`);
  return {
    names,
    ...(provider ? { provider: provider as ProviderName } : {}),
    contexts,
    replicas: values.replicas ? parseReplicas(values.replicas as string) : {},
    dryRun: values['dry-run'] === true,
    help,
    flags: values,
  };
}

export function helpText(spec: CommandSpec): string {
  const flags = { ...COMMON_FLAGS, ...spec.flags };
  const rows = Object.entries(flags).map(([k, f]) => {
    const left = `--${k}${f.type === 'string' ? ` ${f.placeholder ?? 'value'}` : ''}`;
    return `  ${left.padEnd(30)} ${f.description}`;
  });
  if (spec.usage) return `${spec.summary}\n\nusage: npx zx scripts/${spec.name}.mjs ${spec.usage}\n\nflags:\n${rows.join('\n')}\n`;
  return (
    `${spec.summary}\n\nusage: npx zx scripts/${spec.name}.mjs <name>...${spec.namesRequired ? '' : ' (names optional)'} [flags]\n\n` +
    `Cluster names are DNS-1123 labels of at most ${MAX_NAME_LENGTH} characters, starting with a letter, e.g. c1 c2 c3.\n\nflags:\n${rows.join('\n')}\n`
  );
}
