#!/usr/bin/env zx
// k3d-start: see `npx zx scripts/k3d-start.mjs --help` (scripts/lib/commands/k3d-start.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
