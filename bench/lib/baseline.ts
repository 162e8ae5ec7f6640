// A bench's result against a saved baseline, key by key; --save writes a new one.
import { readFileSync, writeFileSync } from 'node:fs';

export type BenchResult = Record<string, number | string>;

/** Prints each of `keys` of `result` against the baseline file, if given; writes `result` to the save file, if given. */
export function compareAndSave(result: BenchResult, keys: readonly string[], baselineFile?: string, saveFile?: string): void {
  if (baselineFile) {
    const base = JSON.parse(readFileSync(baselineFile, 'utf8')) as Record<string, unknown>;
    console.log(`  against ${baselineFile}:`);
    for (const k of keys) {
      const was = base[k];
      const now = result[k];
      if (typeof was !== 'number' || typeof now !== 'number') {
        console.log(`  ${k.padEnd(30)} ${'-'.padStart(8)} -> ${String(now).padStart(8)}  (not in the baseline)`);
        continue;
      }
      const change = ((now - was) / was) * 100;
      // A count that must stay 0 (a drill's losses) has no percentage: say whether it moved.
      const how = was === 0 ? (now === 0 ? 'same' : 'was 0') : `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
      console.log(`  ${k.padEnd(30)} ${String(was).padStart(8)} -> ${String(now).padStart(8)}  (${how})`);
    }
  }
  if (saveFile) writeFileSync(saveFile, `${JSON.stringify(result, null, 2)}\n`);
}
