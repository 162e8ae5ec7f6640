#!/usr/bin/env zx
// start k3d sandbox clusters: npx zx cluster/k3d/start.mjs [c1 c2 c3] [--dry-run]. Logic: lifecycle.ts.
import { scriptArgs } from '../../scripts/lib/boot.mjs'

const { lifecycle } = await import('./lifecycle.ts')
process.exitCode = await lifecycle('start', scriptArgs(import.meta.url))
