// Console output: per-cluster prefixes, step timing, and redaction of secrets.

/** Colours on a terminal (or with FORCE_COLOR), none when piped, with NO_COLOR or FORCE_COLOR=0. */
function colorsOn(): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return !process.env.NO_COLOR && process.stdout.isTTY === true;
}
const COLOR = colorsOn();
const ansi = (open: number, close: number) => (text: string) => (COLOR ? `\x1b[${open}m${text}\x1b[${close}m` : text);
const chalk = {
  bold: ansi(1, 22),
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  blue: ansi(34, 39),
  magenta: ansi(35, 39),
  cyan: ansi(36, 39),
};

const COLORS = [chalk.cyan, chalk.magenta, chalk.yellow, chalk.green, chalk.blue, chalk.red] as const;
const secrets = new Set<string>();

/** Never print this value in full. */
export function addSecret(value: string): void {
  if (value.length >= 6) secrets.add(value);
}

function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(`${s.slice(0, 2)}…`);
  return out;
}

function colorFor(name: string): (s: string) => string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

let quiet = false;
/** Machine-readable output (--json) keeps stdout clean: messages go to stderr. */
export function setQuiet(q: boolean): void {
  quiet = q;
}

function write(line: string): void {
  (quiet ? process.stderr : process.stdout).write(`${redact(line)}\n`);
}

export const log = {
  info(msg: string): void {
    write(msg);
  },
  cluster(name: string, msg: string): void {
    const prefix = colorFor(name)(`[${name}]`);
    for (const line of msg.split('\n')) write(`${prefix} ${line}`);
  },
  warn(msg: string): void {
    write(chalk.yellow(`warning: ${msg}`));
  },
  error(msg: string): void {
    process.stderr.write(`${redact(chalk.red(`error: ${msg}`))}\n`);
  },
};

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** Run a step, printing its title and how long it took. */
export async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  write(chalk.bold(`▶ ${title}`));
  try {
    const result = await fn();
    write(chalk.green(`✔ ${title} (${formatDuration(performance.now() - started)})`));
    return result;
  } catch (e) {
    write(chalk.red(`✘ ${title} (${formatDuration(performance.now() - started)})`));
    throw e;
  }
}
