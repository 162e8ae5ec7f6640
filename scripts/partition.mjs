#!/usr/bin/env zx
// partition: see `npx zx scripts/partition.mjs --help` (scripts/lib/commands/partition.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
