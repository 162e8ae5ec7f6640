#!/usr/bin/env zx
// status: see `npx zx scripts/status.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('status', import.meta.url);
