#!/usr/bin/env zx
// delete: see `npx zx scripts/delete.mjs --help` (scripts/lib/commands/delete.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
