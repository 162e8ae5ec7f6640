#!/usr/bin/env zx
// 01-clusters: see `npx zx scripts/01-clusters.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('01-clusters', import.meta.url);
