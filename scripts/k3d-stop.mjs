#!/usr/bin/env zx
// k3d-stop: see `npx zx scripts/k3d-stop.mjs --help` (scripts/lib/commands/k3d-stop.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
