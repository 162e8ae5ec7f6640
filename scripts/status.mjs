#!/usr/bin/env zx
// status: see `npx zx scripts/status.mjs --help` (scripts/lib/commands/status.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
