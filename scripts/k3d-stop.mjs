#!/usr/bin/env zx
// k3d-stop: see `npx zx scripts/k3d-stop.mjs --help`. The logic lives in TypeScript (scripts/lib/commands/k3d-lifecycle.ts).
import { main } from './lib/boot.mjs';

await main('k3d-stop', import.meta.url);
