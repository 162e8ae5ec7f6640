#!/usr/bin/env zx
// 03-linkerd: see `npx zx scripts/03-linkerd.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('03-linkerd', import.meta.url);
