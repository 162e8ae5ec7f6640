#!/usr/bin/env zx
// region: see `npx zx scripts/region.mjs --help` (scripts/lib/commands/region.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
