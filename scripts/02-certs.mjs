#!/usr/bin/env zx
// 02-certs: see `npx zx scripts/02-certs.mjs --help`. The logic lives in TypeScript (scripts/lib/cli.ts).
import { main } from './lib/boot.mjs';

await main('02-certs', import.meta.url);
