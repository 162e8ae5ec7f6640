// The benches' options: one small typed parser. Every option is checked before a sandbox is made,
// so a bad one costs nothing and exits 2 with a message that says what to write instead.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseWan, type RttTable } from '../../cluster/local/wan/spec.js';
import { UsageError } from '../../core/errors.js';
import { parseReplicas } from '../../core/input.js';

/** An option that takes a value; `parse` gives the default too, when the option is absent. */
export interface ValueOption<T> {
  kind: 'value';
  placeholder: string;
  description: string;
  parse: (raw: string | undefined, flag: string) => T;
}

/** An option that is on when given. */
export interface SwitchOption {
  kind: 'switch';
  description: string;
}

export type BenchOption = ValueOption<unknown> | SwitchOption;
export type OptionSpecs = Readonly<Record<string, BenchOption>>;

/** What a bench's options parse to: each value option's type, true or false for a switch. */
export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S]: S[K] extends ValueOption<infer T> ? T : boolean;
};

export type ParsedOptions<S extends OptionSpecs> =
  | { help: true }
  | {
      help: false;
      options: OptionValues<S>;
      /** The options given on the command line (the rest have their defaults). */
      given: ReadonlySet<string>;
    };

export function value<T>(placeholder: string, description: string, parse: (raw: string | undefined, flag: string) => T): ValueOption<T> {
  return { kind: 'value', placeholder, description, parse };
}

export function switchOption(description: string): SwitchOption {
  return { kind: 'switch', description };
}

/** A whole number from `min` to `max`, written as digits only. */
export function wholeNumber(raw: string, flag: string, min = 1, max = 1_000_000_000): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = min === 1 && max === 1_000_000_000 ? 'a positive whole number' : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${flag} takes ${range}; got '${raw}'`);
  }
  return n;
}

/** A count (runs, rounds, messages...): a positive whole number. */
export function count(description: string, fallback: number, max?: number): ValueOption<number> {
  return value('N', `${description} (default ${fallback})`, (raw, flag) => (raw === undefined ? fallback : wholeNumber(raw, flag, 1, max)));
}

/**
 * The first port of the bench's own sandbox (LOCAL_PORT_BASE; the one below it is MariaDB's).
 * Benches default to 10000-13000: below the ephemeral range, away from the tests' bases.
 */
export function portBase(fallback: number): ValueOption<number> {
  return value('PORT', `first port of the bench's sandbox (default ${fallback})`, (raw, flag) =>
    raw === undefined ? fallback : wholeNumber(raw, flag, 1025, 65535),
  );
}

/** --baseline: a saved result to compare with; it must exist (a typo would compare with nothing). */
export function baselineFile(): ValueOption<string | undefined> {
  return value('FILE', 'compare with a baseline saved by --save', (raw, flag) => {
    if (raw === undefined) return undefined;
    if (!existsSync(raw) || !statSync(raw).isFile()) throw new UsageError(`${flag} ${raw}: no such file (write one with --save)`);
    return raw;
  });
}

/** --save: where to write this run's result; its folder must exist. */
export function saveFile(): ValueOption<string | undefined> {
  return value('FILE', 'write this run as a new baseline', (raw, flag) => {
    if (raw === undefined) return undefined;
    const dir = dirname(resolve(raw));
    if (!existsSync(dir)) throw new UsageError(`${flag} ${raw}: the folder ${dir} does not exist`);
    return raw;
  });
}

/** A comma-separated list; each item must be one of `allowed`, none twice. */
export function listOf<T extends string>(raw: string, flag: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim());
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (bad.length) throw new UsageError(`${flag}: ${bad.map((b) => `'${b}'`).join(', ')} not one of ${allowed.join(', ')}`);
  const twice = items.filter((i, n) => items.indexOf(i) !== n);
  if (twice.length) throw new UsageError(`${flag} names ${[...new Set(twice)].join(', ')} more than once`);
  return items as T[];
}

/** A --wan value as given (for the scripts) and its table of delays (for the bench). */
export interface WanDelays {
  text: string;
  table: RttTable;
}

/** Delays between `regions` in the project's --wan syntax (cluster/local/wan/spec.ts); never 'off': the bench measures a WAN. */
export function wanDelays(fallback: string, regions: readonly string[], what: string): ValueOption<WanDelays> {
  return value('DELAYS', `${what}: 40ms, or pairs like c1-c2=30ms,c1-c3=80ms (default ${fallback})`, (raw, flag) => {
    const text = (raw ?? fallback).trim();
    const table = parseWan(text, regions, flag);
    if (table === 'off') throw new UsageError(`${flag} off leaves no WAN to measure; give a delay, e.g. ${flag} 40ms (0ms for none)`);
    return { text, table };
  });
}

/** --replicas as the scripts take it (role=n,...), checked here; the text is passed on as given. */
export function replicas(fallback?: string): ValueOption<string | undefined> {
  const shown = fallback ? ` (default ${fallback})` : " (default: the scripts')";
  return value('role=n,...', `servers per role per region${shown}`, (raw, flag) => {
    const text = raw ?? fallback;
    if (text !== undefined && !text.trim()) throw new UsageError(`${flag} needs role=n pairs, e.g. ${flag} seed=1,js=1,gw=1,xr=1`);
    if (text !== undefined) parseReplicas(text);
    return text;
  });
}

const usageLine = (bench: string) => `npx zx bench/${bench}.mjs`;

/** Parses a bench's command line; refuses unknown options, positionals and options given twice. */
export function parseBenchOptions<S extends OptionSpecs>(bench: string, specs: S, argv: readonly string[]): ParsedOptions<S> {
  const config = Object.fromEntries([
    ...Object.entries(specs).map(([k, s]) => [k, { type: s.kind === 'switch' ? 'boolean' : 'string' }] as const),
    ['help', { type: 'boolean' }] as const,
  ]);
  const more = `\nrun '${usageLine(bench)} --help' for its options`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false, tokens: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}${more}`);
  }
  const seen = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === 'option') seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const repeated = [...seen].filter(([, n]) => n > 1).map(([name]) => `--${name}`);
  if (repeated.length) throw new UsageError(`${repeated.join(', ')} given more than once; give each option once`);
  const given = parsed.values as Record<string, string | boolean | undefined>;
  if (given.help === true) return { help: true };
  const options = Object.fromEntries(
    Object.entries(specs).map(([k, s]) => [k, s.kind === 'switch' ? given[k] === true : s.parse(given[k] as string | undefined, `--${k}`)]),
  );
  return { help: false, options: options as OptionValues<S>, given: new Set(seen.keys()) };
}

export function benchHelp(bench: string, summary: string, specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const left = `--${k}${s.kind === 'value' ? ` ${s.placeholder}` : ''}`;
    return `  ${left.padEnd(28)} ${s.description}`;
  });
  return `${summary}\n\nusage: ${usageLine(bench)} [options]\n\noptions:\n${rows.join('\n')}\n  ${'--help'.padEnd(28)} show this help\n`;
}
