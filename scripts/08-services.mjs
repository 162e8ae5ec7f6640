#!/usr/bin/env zx
// 08-services: see `npx zx scripts/08-services.mjs --help` (scripts/lib/commands/08-services.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
