// The layers of the code base, checked on every import: imports only run downward
// (bench → scripts → ui → cluster → k8s → services → core → nats), so each folder can be read
// knowing only the folders below it, and the services image needs nothing but services/, core/
// and nats/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../support/helpers.js';

/** Higher imports lower; never the other way. */
const LAYERS = ['nats', 'core', 'services', 'k8s', 'cluster', 'ui', 'scripts', 'bench'] as const;
type Layer = (typeof LAYERS)[number];

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) return entry === 'node_modules' ? [] : sourcesUnder(p);
    return /\.(ts|mjs)$/.test(entry) && !entry.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function layerOf(file: string): Layer | undefined {
  const top = relative(ROOT, file).split('/')[0];
  return LAYERS.find((l) => l === top);
}

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  const files = LAYERS.flatMap((l) => {
    try {
      return sourcesUnder(join(ROOT, l));
    } catch {
      return [];
    }
  });
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => ({
      from: relative(ROOT, file),
      to: relative(ROOT, resolve(dirname(file), m[1]!)),
    })),
  );
}

describe('layers', () => {
  const all = edges();

  it('finds the imports it checks, in every layer', () => {
    assert.ok(all.length > 200, `only ${all.length} imports found`);
    const silent = LAYERS.filter((l) => !all.some((e) => e.from.startsWith(`${l}/`)));
    assert.deepEqual(silent, [], 'layers with no import found');
  });

  it('imports only run downward: bench → scripts → ui → cluster → k8s → services → core → nats', () => {
    const rank = (p: string) => LAYERS.indexOf(layerOf(join(ROOT, p))!);
    const upward = all.filter((e) => layerOf(join(ROOT, e.to)) && rank(e.to) > rank(e.from));
    assert.deepEqual(
      upward.map((e) => `${e.from} imports ${e.to}`),
      [],
    );
  });

  it('the services image needs only services/, core/ and nats/', () => {
    const outside = all.filter((e) => e.from.startsWith('services/') && !/^(services|core|nats)\//.test(e.to));
    assert.deepEqual(
      outside.map((e) => `${e.from} imports ${e.to}`),
      [],
    );
    const dockerfile = readFileSync(join(ROOT, 'services', 'Dockerfile'), 'utf8');
    // What it copies from the build context (not what a stage copies from the build stage).
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(\S+)\s/gm)].map((m) => m[1]!.replace(/\/$/, ''));
    assert.deepEqual(copied.filter((c) => !/^(package\.json|tsconfig\.json|nats|core|services)$/.test(c)).sort(), []);
  });
});
