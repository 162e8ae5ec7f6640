#!/usr/bin/env zx
// install: see `npx zx scripts/install.mjs --help` (scripts/lib/commands/install.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
