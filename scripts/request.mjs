#!/usr/bin/env zx
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// request: see `npx zx scripts/request.mjs --help`. The logic lives in TypeScript (services/requester/cli.ts).
import { register } from 'tsx/esm/api';

register();
const self = fileURLToPath(import.meta.url);
const at = process.argv.findIndex((a) => {
  try {
    return resolve(a) === self;
  } catch {
    return false;
  }
});
const { requestMain } = await import('../services/requester/cli.ts');
process.exitCode = await requestMain(process.argv.slice(at >= 0 ? at + 1 : 2));
