#!/usr/bin/env zx
// 01-clusters: see `npx zx scripts/01-clusters.mjs --help` (scripts/lib/commands/01-clusters.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
