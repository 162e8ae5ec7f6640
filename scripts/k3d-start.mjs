#!/usr/bin/env zx
// k3d-start: see `npx zx scripts/k3d-start.mjs --help`. The logic lives in TypeScript (scripts/lib/commands/k3d-lifecycle.ts).
import { main } from './lib/boot.mjs';

await main('k3d-start', import.meta.url);
