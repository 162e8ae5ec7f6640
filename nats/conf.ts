// Serialise a plain object to the nats-server configuration format.
// Strings are always double-quoted so values such as passwords are never read as $variables.

export type ConfValue = string | number | boolean | ConfValue[] | { [key: string]: ConfValue | undefined };

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function key(k: string): string {
  return BARE_KEY.test(k) ? k : JSON.stringify(k);
}

function value(v: ConfValue, indent: string): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to a nats-server config`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + value(x, inner)).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, ConfValue][];
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${value(x, inner)}`).join('\n')}\n${indent}}`;
}

/** Render a top-level config map (no surrounding braces), one key per line. */
export function toNatsConf(config: Record<string, ConfValue | undefined>, header?: string): string {
  const lines = Object.entries(config)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${key(k)}: ${value(x as ConfValue, '')}`);
  const head = header
    ? `${header
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n')}\n`
    : '';
  return `${head + lines.join('\n')}\n`;
}
