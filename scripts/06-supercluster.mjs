#!/usr/bin/env zx
// 06-supercluster: see `npx zx scripts/06-supercluster.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('06-supercluster', import.meta.url);
