// The command reference, docs/commands.md, from the commands' declarations: every entry script
// scripts/<name>.mjs and its module scripts/lib/commands/<name>.ts. Run it to write the file
// (`node --import tsx scripts/lib/reference.ts`); a test checks the file is current.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core/settings.js';
import type { Command } from './command.js';
import { commandReference } from './help.js';

export const REFERENCE_FILE = join(PROJECT_ROOT, 'docs', 'commands.md');

/** Every command, in the order users meet them: the stages, then the rest by name. */
export async function allCommands(): Promise<Command[]> {
  const names = readdirSync(join(PROJECT_ROOT, 'scripts'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -'.mjs'.length));
  const order = (n: string) => (n === 'install' ? '0' : /^\d/.test(n) ? `1${n}` : `2${n}`);
  names.sort((a, b) => order(a).localeCompare(order(b)));
  return Promise.all(names.map(async (n) => (await import(`./commands/${n}.ts`)).command as Command));
}

export async function reference(): Promise<string> {
  return commandReference(await allCommands());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(REFERENCE_FILE, await reference());
  console.log(`wrote ${REFERENCE_FILE}`);
}
