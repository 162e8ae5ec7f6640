#!/usr/bin/env zx
// The supercluster bench: see `npx zx bench/supercluster.mjs --help`. The logic lives in bench/supercluster.ts.
import { main } from './lib/boot.mjs';

await main(() => import('./supercluster.ts'), import.meta.url);
