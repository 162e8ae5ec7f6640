#!/usr/bin/env zx
// drill: a bounded load, one fault, restored, and a report of what survived. See `npx zx scripts/drill.mjs --help`.
import { main } from './lib/boot.mjs';

await main('drill', import.meta.url);
