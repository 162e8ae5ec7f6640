// Edge sites on Kubernetes at install time (stage 06): the sandbox remembers the ones it installed,
// so status and delete find them without the names, and an edge site no longer named goes from its
// hub's cluster with its JetStream volume, as the local provider stops its server.
import { log } from '../../core/log.js';
import { edgeReleaseName, edgeVolumeClaim } from '../../k8s/edges.js';
import { NAMESPACES } from '../../k8s/names.js';
import { helmUninstall } from './ops.js';
import type { KubeRun } from './run.js';
import { readState, rememberEdges } from './state.js';

export async function reconcileEdges(k: KubeRun): Promise<void> {
  const saved = readState(k.sandboxDir, k.provider)?.edges ?? [];
  const gone = saved.filter((e) => !k.topo.edges.some((x) => x.name === e.name && x.hub === e.hub));
  for (const edge of gone) {
    const t = k.targets.find((x) => x.name === edge.hub);
    if (!t) continue;
    log.cluster(t.name, `edge site ${edge.name}@${edge.hub} is no longer named: removing its release and its JetStream volume`);
    await helmUninstall(k, t, NAMESPACES.nats, edgeReleaseName(edge));
    await k.runner.run(['kubectl', 'delete', 'pvc', edgeVolumeClaim(edge), '--namespace', NAMESPACES.nats, '--ignore-not-found'], {
      cluster: t.name,
      context: t.context,
    });
  }
  // Name and hub: an edge site on Kubernetes is one server (refuseUnbuiltEdges).
  if (!k.dryRun)
    rememberEdges(
      k.sandboxDir,
      k.provider,
      k.topo.edges.map((e) => ({ name: e.name, hub: e.hub })),
    );
}

/** Stages 07 and 08 on Kubernetes build the supercluster's part; an edge site's own part is the local provider's so far. */
export function sayEdgePartNotBuilt(k: KubeRun, what: string): void {
  if (!k.topo.edges.length) return;
  log.warn(
    `${what} of the edge sites (${k.topo.edges.map((e) => `${e.name}@${e.hub}`).join(', ')}) are built on the local provider only so far; on ${k.provider} this stage does the supercluster's part`,
  );
}
