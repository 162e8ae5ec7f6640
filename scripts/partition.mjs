#!/usr/bin/env zx
// partition: cut regions off at the WAN layer (--heal restores). See `npx zx scripts/partition.mjs --help`.
import { main } from './lib/boot.mjs';

await main('partition', import.meta.url);
