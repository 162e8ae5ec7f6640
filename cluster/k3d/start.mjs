#!/usr/bin/env zx
// start k3d sandbox clusters: npx zx cluster/k3d/start.mjs [c1 c2 c3] [--dry-run]. Logic: lifecycle.ts.
import { register } from 'tsx/esm/api'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

register()
const self = fileURLToPath(import.meta.url)
const at = process.argv.findIndex((a) => { try { return resolve(a) === self } catch { return false } })
const { lifecycle } = await import('./lifecycle.ts')
process.exitCode = await lifecycle('start', process.argv.slice(at >= 0 ? at + 1 : 2))
