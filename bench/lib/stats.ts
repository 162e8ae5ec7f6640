// Medians with their spread: every figure of a bench is "median [min–max]" over its runs.

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** "median [min–max]" of a list. */
export function spread(xs: readonly number[], digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

/** Each x over the y of the same run (both sides under the same load). */
export function ratios(xs: readonly number[], ys: readonly number[]): number[] {
  return xs.map((x, i) => x / ys[i]!);
}
