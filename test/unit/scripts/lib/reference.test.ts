// The command reference is made from the command declarations and kept in step with them; every
// entry script has its command module and every hint the code prints names an entry script.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allCommands, README_FILE, REFERENCE_FILE, readmeWithTable, reference, tableText } from '../../../../scripts/lib/reference.js';
import { ROOT } from '../../../support/helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(e) ? [p] : [];
  });
}

describe('the commands', () => {
  it('docs/commands.md is what the declarations say (node --import tsx scripts/lib/reference.ts writes it)', async () => {
    assert.equal(readFileSync(REFERENCE_FILE, 'utf8'), await reference());
  });

  it("the README's table of commands is what the declarations say, and the README stays short", async () => {
    const readme = readFileSync(README_FILE, 'utf8');
    assert.equal(tableText(readme), tableText(await readmeWithTable(readme)));
    assert.ok(readme.split('\n').length <= 150, `README.md has ${readme.split('\n').length} lines; move detail to docs/`);
  });

  it('each entry script runs the command of its name', async () => {
    const commands = await allCommands();
    const scripts = readdirSync(join(ROOT, 'scripts')).filter((f) => f.endsWith('.mjs'));
    assert.deepEqual(commands.map((c) => `${c.name}.mjs`).sort(), scripts.sort());
    for (const s of scripts) assert.match(readFileSync(join(ROOT, 'scripts', s), 'utf8'), /\.main\(import\.meta\.url\)/, s);
  });

  it('every command a hint names has its entry script, and no layer below the commands spells the command line', () => {
    const below = ['cluster', 'core', 'k8s', 'nats', 'services', 'ui'].flatMap((d) => sources(join(ROOT, d)));
    for (const file of below) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /npx zx scripts\//, `${file} spells the command line: use commandHint`);
      for (const m of text.matchAll(/commandHint\('([^']+)'/g)) {
        assert.ok(readdirSync(join(ROOT, 'scripts')).includes(`${m[1]}.mjs`), `${file}: no scripts/${m[1]}.mjs`);
      }
    }
  });
});
