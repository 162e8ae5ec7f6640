// Entry glue for the thin bench/<name>.mjs files: load TypeScript through tsx (scripts/lib/boot.mjs
// registers it), take the arguments after the bench's own path, run it, set the exit code.
import { scriptArgs } from '../../scripts/lib/boot.mjs';

/** `load` imports the bench's module, which exports it as `bench`. */
export async function main(load, scriptUrl) {
  const [{ runBench }, { bench }] = await Promise.all([import('./bench.ts'), load()]);
  process.exitCode = await runBench(bench, scriptArgs(scriptUrl));
}
