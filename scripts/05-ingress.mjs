#!/usr/bin/env zx
// 05-ingress: see `npx zx scripts/05-ingress.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('05-ingress', import.meta.url);
