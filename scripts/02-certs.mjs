#!/usr/bin/env zx
// 02-certs: see `npx zx scripts/02-certs.mjs --help` (scripts/lib/commands/02-certs.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
