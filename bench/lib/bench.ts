// A bench: its options, the checks between them, and what it measures. runBench parses and
// checks everything first, so a bad option exits 2 before any sandbox is made.
import { errorText, exitCode } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { benchHelp, type OptionSpecs, type OptionValues, parseBenchOptions } from './options.js';

export interface Bench<S extends OptionSpecs> {
  /** As in bench/<name>.mjs. */
  name: string;
  /** What it measures, for --help. */
  summary: string;
  options: S;
  /** Checks between options, after each was parsed on its own (`given`: those on the command line); throws a UsageError. */
  check?: (options: OptionValues<S>, given: ReadonlySet<string>) => void;
  run: (options: OptionValues<S>) => Promise<void>;
}

export function defineBench<S extends OptionSpecs>(bench: Bench<S>): Bench<S> {
  return bench;
}

/** A bench's command line, parsed and checked: its options, or undefined for --help. */
export function benchOptions<S extends OptionSpecs>(bench: Bench<S>, argv: readonly string[]): OptionValues<S> | undefined {
  const parsed = parseBenchOptions(bench.name, bench.options, argv);
  if (parsed.help) return undefined;
  bench.check?.(parsed.options, parsed.given);
  return parsed.options;
}

/** Runs a bench on its command line; the exit code: 0, 2 for a bad option (nothing started), 1 for a failure. */
export async function runBench<S extends OptionSpecs>(bench: Bench<S>, argv: readonly string[]): Promise<number> {
  try {
    const options = benchOptions(bench, argv);
    if (!options) {
      process.stdout.write(benchHelp(bench.name, bench.summary, bench.options));
      return 0;
    }
    await bench.run(options);
    return 0;
  } catch (e) {
    log.error(errorText(e));
    return exitCode(e);
  }
}
