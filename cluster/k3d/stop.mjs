#!/usr/bin/env zx
// stop k3d sandbox clusters: npx zx cluster/k3d/stop.mjs [c1 c2 c3] [--dry-run]. Logic: lifecycle.ts.
import { scriptArgs } from '../../scripts/lib/boot.mjs'

const { lifecycle } = await import('./lifecycle.ts')
process.exitCode = await lifecycle('stop', scriptArgs(import.meta.url))
