#!/usr/bin/env zx
// contexts: see `npx zx scripts/contexts.mjs --help` (scripts/lib/commands/contexts.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
