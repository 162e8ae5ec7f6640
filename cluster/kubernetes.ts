// The k3d and kube providers. Their stages arrive with the Kubernetes issue; until then each stage
// says so in one line and succeeds, so install runs through.
import { log } from '../scripts/lib/log.js';
import type { ProviderImpl, StageId } from '../scripts/lib/stages.js';
import { STAGES } from '../scripts/lib/stages.js';

function notYet(provider: 'k3d' | 'kube'): ProviderImpl {
  const skipped = Object.fromEntries(STAGES.map((s) => [s.id, `not implemented for the ${provider} provider yet`])) as Record<StageId, string>;
  return {
    name: provider,
    stages: {},
    skipped,
    async status() {
      log.info(`status for the ${provider} provider is not implemented yet; pass --server nats://<host>:4222 to ask any reachable server`);
      return 1;
    },
    async delete() {
      log.info(`delete is not implemented for the ${provider} provider yet`);
    },
  };
}

export const k3dProvider = notYet('k3d');
export const kubeProvider = notYet('kube');
