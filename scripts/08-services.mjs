#!/usr/bin/env zx
// 08-services: see `npx zx scripts/08-services.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('08-services', import.meta.url);
