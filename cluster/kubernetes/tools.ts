// The tools the Kubernetes path runs, checked together before anything runs: one message lists
// every missing tool with how to install it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { INSTALL_HINTS } from '../../core/command.js';
import { MissingToolError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { KubeFlavor } from './run.js';

function onPath(tool: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

export function missingTools(tools: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return tools.filter((t) => !onPath(t, env));
}

const checked = new Set<string>();
const warned = new Set<string>();

/**
 * Fail with every missing tool and its install hint. In a dry run nothing runs, so missing tools
 * are only reported. Checked once per process (install runs many stages).
 */
export function checkTools(flavor: KubeFlavor, env: NodeJS.ProcessEnv, dryRun: boolean, tools: readonly string[] = flavor.tools): void {
  const key = `${tools.join(',')}:${env.PATH ?? ''}`;
  if (checked.has(key)) return;
  const missing = missingTools(tools, env);
  if (missing.length === 0) {
    checked.add(key);
    return;
  }
  const lines = missing.map((t) => `  - ${t}: ${INSTALL_HINTS[t] ?? `install ${t}`}`).join('\n');
  const message = `the ${flavor.name} provider needs ${tools.join(', ')}; missing:\n${lines}`;
  if (dryRun) {
    // Said once per dry run; not remembered as a pass, so a real run still fails here.
    if (!warned.has(key)) log.warn(`${message}\n(dry run: continuing, nothing is run)`);
    warned.add(key);
    return;
  }
  throw new MissingToolError(message);
}
