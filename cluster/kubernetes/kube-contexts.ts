// Stage 01 for kube: the clusters exist already; check that every name has a kubectl context and
// that each one answers, before anything else touches them.
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { eachCluster, type KubeRun } from './run.js';
import { rememberClusters } from './state.js';

export async function kubeContextsStage(k: KubeRun): Promise<void> {
  // One read per cluster (not one list for all): every missing context is found and named.
  const found = await Promise.all(
    k.targets.map((t) =>
      k.runner
        .run(['kubectl', 'config', 'get-contexts', t.context, '-o', 'name'], {
          cluster: t.name,
          read: true,
          assume: t.context,
          silent: true,
        })
        .then(
          (r) => r.stdout.trim() === t.context,
          () => false,
        ),
    ),
  );
  const missing = k.targets.filter((_, i) => !found[i]);
  if (missing.length) {
    const lines = missing.map((t) => `  - ${t.name}: no context '${t.context}'`).join('\n');
    throw new UsageError(
      `the kube provider needs a kubectl context per cluster name:\n${lines}\nfix: pass --context <name>=<context> for each (kubectl config get-contexts lists them)`,
    );
  }
  const byContext = new Map<string, string[]>();
  for (const t of k.targets) byContext.set(t.context, [...(byContext.get(t.context) ?? []), t.name]);
  const shared = [...byContext].filter(([, names]) => names.length > 1);
  if (shared.length)
    throw new UsageError(`one context per cluster: ${shared.map(([c, n]) => `${n.join(' and ')} are both '${c}'`).join('; ')}`);
  await eachCluster(k.targets, (t) =>
    k.runner.run(['kubectl', 'get', '--raw', '/readyz'], {
      cluster: t.name,
      context: t.context,
      read: true,
      assume: 'ok',
      fix: `the API server of context ${t.context} does not answer: check the cluster runs and your credentials are current`,
    }),
  );
  // Said now rather than after stages 02-06 have run: install stops at stage 07 without it.
  if (!k.settings.servicesImage)
    log.warn('stages 07 and 08 need SERVICES_IMAGE (an image of services/Dockerfile your clusters can pull) with the kube provider');
  if (!k.dryRun)
    rememberClusters(k.sandboxDir, 'kube', k.names, Object.fromEntries(k.targets.map((t) => [t.name, t.context])), k.topo.options.replicas);
}
