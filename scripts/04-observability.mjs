#!/usr/bin/env zx
// 04-observability: see `npx zx scripts/04-observability.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('04-observability', import.meta.url);
