#!/usr/bin/env zx
// ui: see `npx zx scripts/ui.mjs --help`. The logic lives in TypeScript (scripts/lib/commands/ui.ts).
import { main } from './lib/boot.mjs';

await main('ui', import.meta.url);
