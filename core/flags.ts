// Command-line flags declared with their types: each flag says what it takes and parses what was
// typed into its value, so a command receives domain values, checked before anything runs.
// Used by every script (scripts/lib/command.ts) and by the requester, which also runs in pods.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface Flag<T> {
  kind: 'boolean' | 'string' | 'repeated';
  description: string;
  /** What the value looks like, in help: `N`, `40ms|off`... */
  placeholder?: string;
  /** The value from what was typed (undefined: not given). Throws a UsageError naming `--name`. */
  parse(raw: string | boolean | string[] | undefined, name: string): T;
}

export type Flags = Record<string, Flag<unknown>>;

/** The values a set of flags gives: one typed value per flag. */
export type OptionsOf<F extends Flags> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** A whole number from `min` to `max` as typed; `label` names it (a flag, a variable) in the error. */
export function wholeNumber(raw: string, label: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${label} must be a whole number ${range}; got '${raw}'`);
  }
  return n;
}

/** Flags of each kind, with their parsers. */
export const flag = {
  /** On when given. */
  boolean(description: string): Flag<boolean> {
    return { kind: 'boolean', description, parse: (raw) => raw === true };
  },
  /** A value as typed, or undefined. */
  text(placeholder: string, description: string): Flag<string | undefined> {
    return { kind: 'string', description, placeholder, parse: (raw) => (typeof raw === 'string' ? raw : undefined) };
  },
  /** A value turned into `T` by `parse` (which throws a UsageError), or undefined when not given. */
  parsed<T>(placeholder: string, description: string, parse: (raw: string, label: string) => T): Flag<T | undefined> {
    return {
      kind: 'string',
      description,
      placeholder,
      parse: (raw, name) => (typeof raw === 'string' ? parse(raw, `--${name}`) : undefined),
    };
  },
  /** A whole number from `min` to `max`, or `fallback` when not given. */
  number<D extends number | undefined>(
    placeholder: string,
    description: string,
    range: { min?: number; max?: number; fallback: D },
  ): Flag<number | D> {
    return {
      kind: 'string',
      description,
      placeholder,
      parse: (raw, name) => (typeof raw === 'string' ? wholeNumber(raw, `--${name}`, range.min ?? 1, range.max) : range.fallback),
    };
  },
  /** Given any number of times: every value, in order. */
  repeated(placeholder: string, description: string): Flag<string[]> {
    return { kind: 'repeated', description, placeholder, parse: (raw) => (Array.isArray(raw) ? raw : []) };
  },
};

export interface ParsedFlags<F extends Flags> {
  options: OptionsOf<F>;
  positionals: string[];
  help: boolean;
}

/**
 * `argv` against `flags` (plus --help): unknown flags, a flag given twice and a value a flag's
 * parser refuses are UsageErrors. A value that starts with '-' after a flag that takes one is that
 * flag's value (`--wan -5ms` is a negative delay to refuse, not an unknown option).
 */
export function parseFlags<F extends Flags>(flags: F, argv: readonly string[], helpHint: string): ParsedFlags<F> {
  const takesValue = new Set(
    Object.entries(flags)
      .filter(([, f]) => f.kind !== 'boolean')
      .map(([k]) => `--${k}`),
  );
  // --flag -5 becomes --flag=-5 before node's parser sees it.
  const normalized: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-[^-]/.test(next)) {
      normalized.push(`${a}=${next}`);
      i++;
    } else normalized.push(a);
  }
  const options = Object.fromEntries(
    Object.entries(flags).map(([k, f]) => [
      k,
      { type: f.kind === 'boolean' ? 'boolean' : 'string', ...(f.kind === 'repeated' ? { multiple: true } : {}) },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: normalized,
      options: { ...options, help: { type: 'boolean' } } as never,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg}\n${helpHint}`);
  }
  const seen = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === 'option') seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const twice = [...seen].filter(([name, n]) => n > 1 && flags[name]?.kind !== 'repeated').map(([name]) => `--${name}`);
  if (twice.length) throw new UsageError(`${twice.join(', ')} given more than once; give each flag once`);
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true;
  const out: Record<string, unknown> = {};
  // With --help nothing else is read: the help is shown whatever else was typed.
  if (!help) for (const [k, f] of Object.entries(flags)) out[k] = f.parse(values[k], k);
  return { options: out as OptionsOf<F>, positionals: parsed.positionals, help };
}

/** One line per flag, for help texts. */
export function flagHelp(flags: Flags): string[] {
  return Object.entries(flags).map(([k, f]) => {
    const left = `--${k}${f.kind === 'boolean' ? '' : ` ${f.placeholder ?? 'value'}`}`;
    return `  ${left.padEnd(30)} ${f.description}`;
  });
}
