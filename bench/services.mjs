#!/usr/bin/env zx
// The services bench: see `npx zx bench/services.mjs --help`. The logic lives in bench/services.ts.
import { main } from './lib/boot.mjs';

await main(() => import('./services.ts'), import.meta.url);
