#!/usr/bin/env zx
// request: see `npx zx scripts/request.mjs --help`. The logic lives in TypeScript (services/requester/cli.ts).
import { main } from './lib/boot.mjs';

await main('request', import.meta.url);
