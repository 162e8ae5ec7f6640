#!/usr/bin/env zx
// render: see `npx zx scripts/render.mjs --help` (scripts/lib/commands/render.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
