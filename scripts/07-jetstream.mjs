#!/usr/bin/env zx
// 07-jetstream: see `npx zx scripts/07-jetstream.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('07-jetstream', import.meta.url);
