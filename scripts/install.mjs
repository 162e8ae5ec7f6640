#!/usr/bin/env zx
// install: see `npx zx scripts/install.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('install', import.meta.url);
