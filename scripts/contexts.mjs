#!/usr/bin/env zx
// contexts: NATS CLI contexts (per cluster and identity, default sys and admin, mTLS). See `npx zx scripts/contexts.mjs --help`.
import { main } from './lib/boot.mjs';

await main('contexts', import.meta.url);
