#!/usr/bin/env zx
// stop k3d sandbox clusters: npx zx scripts/k3d-stop.mjs [c1 c2 c3] [--dry-run]. Logic: lib/commands/k3d-lifecycle.ts.
import { scriptArgs } from './lib/boot.mjs';

const { lifecycle } = await import('./lib/commands/k3d-lifecycle.ts');
process.exitCode = await lifecycle('stop', scriptArgs(import.meta.url));
