#!/usr/bin/env zx
// The WAN bench: see `npx zx bench/wan.mjs --help`. The logic lives in bench/wan.ts.
import { main } from './lib/boot.mjs';

await main(() => import('./wan.ts'), import.meta.url);
