#!/usr/bin/env zx
// accounts: see `npx zx scripts/accounts.mjs --help` (scripts/lib/commands/accounts.ts).
await (await import('./lib/boot.mjs')).main(import.meta.url);
