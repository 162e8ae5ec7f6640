#!/usr/bin/env zx
// delete: see `npx zx scripts/delete.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('delete', import.meta.url);
