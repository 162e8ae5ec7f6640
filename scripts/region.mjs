#!/usr/bin/env zx
// region: lose a region (--down) and bring it back (--up). See `npx zx scripts/region.mjs --help`.
import { main } from './lib/boot.mjs';

await main('region', import.meta.url);
