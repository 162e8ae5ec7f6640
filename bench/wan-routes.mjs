#!/usr/bin/env zx
// The xr-js routes bench: see `npx zx bench/wan-routes.mjs --help`. The logic lives in bench/wan-routes.ts.
import { main } from './lib/boot.mjs';

await main(() => import('./wan-routes.ts'), import.meta.url);
