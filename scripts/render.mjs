#!/usr/bin/env zx
// render: see `npx zx scripts/render.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('render', import.meta.url);
