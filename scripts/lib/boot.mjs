// Entry glue for the thin .mjs scripts: load TypeScript through tsx, find this script's own
// arguments (after `npx zx scripts/x.mjs` or `node scripts/x.mjs`), run the command declared in
// scripts/lib/commands/<x>.ts, set the exit code.

import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();

/** The arguments that follow the script itself on the command line. */
export function scriptArgs(scriptUrl) {
  const self = fileURLToPath(scriptUrl);
  const at = process.argv.findIndex((a) => {
    try {
      return resolve(a) === self;
    } catch {
      return false;
    }
  });
  return process.argv.slice(at >= 0 ? at + 1 : 2);
}

/** Runs the command named like the entry script that calls it. */
export async function main(scriptUrl) {
  const name = basename(fileURLToPath(scriptUrl), '.mjs');
  const { runNamed } = await import('./run.ts');
  process.exitCode = await runNamed(name, scriptArgs(scriptUrl));
}
