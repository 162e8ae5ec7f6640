#!/usr/bin/env zx
// 05-ingress: see `npx zx scripts/05-ingress.mjs --help` (scripts/lib/commands/05-ingress.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
