// Help and the command reference, made from the commands' declarations (nothing else lists them).
import { flagHelp } from '../../core/flags.js';
import { MAX_NAME_LENGTH } from '../../core/input.js';
import { type Command, flagsOf } from './command.js';

const NAMES_NOTE = `Cluster names are DNS-1123 labels of at most ${MAX_NAME_LENGTH} characters, starting with a letter, e.g. c1 c2 c3; name@hub is an edge site on hub region hub (install and its stages, local provider), e.g. c1 c2 c3 e1@c1.`;

export function usageOf(command: Command): string {
  if (command.usage) return command.usage;
  switch (command.positionals) {
    case 'topology':
      return '<name>... [flags]';
    case 'selection':
      return '[<name>...] [flags] (no names: the whole sandbox)';
    default:
      return '[flags]';
  }
}

/** `--help` of a command. */
export function helpText(command: Command): string {
  const names = command.positionals === 'topology' || command.positionals === 'selection' ? `\n\n${NAMES_NOTE}` : '';
  const flags = flagHelp({ ...flagsOf(command), help: { kind: 'boolean', description: 'show this help', parse: () => true } });
  return `${command.summary}\n\nusage: npx zx scripts/${command.name}.mjs ${usageOf(command)}${names}\n\nflags:\n${flags.join('\n')}\n`;
}

/** Up to the first full stop that ends a sentence (not the dots of `01 .. 08`). */
function firstSentence(text: string): string {
  return /^(.*?[^.])\.(\s|$)/.exec(text)?.[1] ?? text;
}

/** Up to the first ": " or "; " outside parentheses (past a "Stage 01:" prefix). */
function firstClause(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const ch = text[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && i > 12 && (ch === ':' || ch === ';') && text[i + 1] === ' ') return text.slice(0, i);
  }
  return text;
}

/** The README's table of commands: each entry script and the first clause of its summary, linked to its reference. */
export function commandTable(commands: readonly Command[]): string {
  const brief = (text: string) => {
    const sentence = firstSentence(text);
    return sentence.length <= 100 ? sentence : firstClause(sentence);
  };
  return [
    '| command | what it does |',
    '|---|---|',
    ...commands.map((c) => `| [\`${c.name}\`](docs/commands.md#${c.name}) | ${brief(c.summary).replaceAll('|', '\\|')} |`),
  ].join('\n');
}

/** The command reference (docs/commands.md): every command, its usage and its flags. */
export function commandReference(commands: readonly Command[]): string {
  const sections = commands.map((c) => {
    const cell = (t: string) => t.replaceAll('|', '\\|');
    const flags = Object.entries(flagsOf(c)).map(
      ([k, f]) => `| \`--${k}${f.kind === 'boolean' ? '' : ` ${cell(f.placeholder ?? 'value')}`}\` | ${cell(f.description)} |`,
    );
    return [
      `## ${c.name}`,
      '',
      c.summary,
      '',
      '```',
      `npx zx scripts/${c.name}.mjs ${usageOf(c)}`,
      '```',
      '',
      ...(flags.length ? ['| flag | what it does |', '|---|---|', ...flags, ''] : []),
      `Changes the sandbox: ${c.needs === 'sandbox' && c.mutates ? 'yes (one such command at a time: it holds the sandbox lock)' : 'no'}.`,
      '',
    ].join('\n');
  });
  return [
    '# Commands',
    '',
    'Generated from the command declarations (`scripts/lib/commands/*.ts`) by',
    '`node --import tsx scripts/lib/reference.ts`; a test keeps it current. Every command takes `--help`.',
    '',
    ...commands.map((c) => `- [${c.name}](#${c.name}): ${firstSentence(c.summary)}`),
    '',
    ...sections,
  ].join('\n');
}
