#!/usr/bin/env zx
// tools: the pinned nats-server and nats CLI, built once into a cache. See `npx zx scripts/tools.mjs --help`.
import { main } from './lib/boot.mjs';

await main('tools', import.meta.url);
