#!/usr/bin/env zx
// tools: see `npx zx scripts/tools.mjs --help` (scripts/lib/commands/tools.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
