#!/usr/bin/env zx
// request: see `npx zx scripts/request.mjs --help` (scripts/lib/commands/request.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
