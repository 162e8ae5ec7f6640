#!/usr/bin/env zx
// contexts: NATS CLI contexts (system and admin, per cluster, mTLS). See `npx zx scripts/contexts.mjs --help`.
import { main } from './lib/boot.mjs';

await main('contexts', import.meta.url);
