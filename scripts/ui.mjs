#!/usr/bin/env zx
// ui: see `npx zx scripts/ui.mjs --help` (scripts/lib/commands/ui.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
