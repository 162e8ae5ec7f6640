#!/usr/bin/env zx
// 04-observability: see `npx zx scripts/04-observability.mjs --help` (scripts/lib/commands/04-observability.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
