// Release versions (major.minor.patch, a leading v allowed): found in a tool's output, compared.

const VERSION = /v?(\d+)\.(\d+)\.(\d+)/;

/** The first version in `text` (`nats-server: v2.14.2` -> `2.14.2`), without a leading v. */
export function parseVersion(text: string): string | undefined {
  const m = VERSION.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b` (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => {
    const m = VERSION.exec(v);
    if (!m) throw new Error(`not a version: '${v}'`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  };
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
