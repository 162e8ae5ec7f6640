#!/usr/bin/env zx
// 03-linkerd: see `npx zx scripts/03-linkerd.mjs --help` (scripts/lib/commands/03-linkerd.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
