#!/usr/bin/env zx
// 06-supercluster: see `npx zx scripts/06-supercluster.mjs --help` (scripts/lib/commands/06-supercluster.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
