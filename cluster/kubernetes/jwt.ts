// Operator mode (--auth jwt) on Kubernetes: the sandbox remembers the choice before anything is
// made, the keys come from the one key store under <sandbox>/jwt (core/jwt-store.ts, the same the
// local provider uses), and each namespace that runs a client gets its identity's creds file in a
// Secret, through stdin (never a file, never printed).
import { existsSync, readFileSync } from 'node:fs';
import { ensureJwtAuth, jwtPaths } from '../../core/jwt-store.js';
import { log } from '../../core/log.js';
import { credsSecret } from '../../k8s/jwt-auth.js';
import type { KubeTarget } from '../../k8s/targets.js';
import type { Identity } from '../../nats/accounts.js';
import { applyObjects } from './ops.js';
import type { KubeRun } from './run.js';
import { rememberAuth } from './state.js';

/** Before a stage: remember operator mode and load (on first use, make) its keys. Nothing in a dry run is written. */
export async function prepareKubeJwt(k: KubeRun): Promise<void> {
  if (!k.dryRun) rememberAuth(k.sandboxDir, k.provider, k.auth);
  if (k.auth !== 'jwt' || k.jwt) return;
  k.jwt = await ensureJwtAuth(k.sandboxDir, !k.dryRun);
  log.info(
    `operator mode: the servers trust the operator and run the full resolver (accounts ${Object.keys(k.jwt.accounts).join(', ')} preloaded); clients use creds from Secrets`,
  );
}

/** Apply the creds Secrets of `identities` in `namespace` (operator mode only; idempotent). */
export async function applyCredsSecrets(k: KubeRun, target: KubeTarget, namespace: string, identities: readonly Identity[]): Promise<void> {
  if (k.auth !== 'jwt') return;
  const secrets = identities.map((id) => {
    const file = jwtPaths(k.sandboxDir).creds(id);
    // A dry run makes no creds file: the Secret is described, never applied.
    const creds = existsSync(file) ? readFileSync(file, 'utf8') : `(made at install from ${file})`;
    if (!existsSync(file) && !k.dryRun) throw new Error(`operator mode: ${file} is missing (the key store makes it on first use)`);
    return credsSecret(id, namespace, creds);
  });
  await applyObjects(k, target, secrets);
}
