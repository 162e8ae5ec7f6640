#!/usr/bin/env zx
// 07-jetstream: see `npx zx scripts/07-jetstream.mjs --help` (scripts/lib/commands/07-jetstream.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
