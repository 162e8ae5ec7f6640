#!/usr/bin/env zx
// drill: see `npx zx scripts/drill.mjs --help` (scripts/lib/commands/drill.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
