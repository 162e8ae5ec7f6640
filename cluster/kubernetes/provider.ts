// The Kubernetes provider: one set of stages for k3d and kube, with what differs between them in
// their flavor (flavor.ts). Tools are checked, all together, before a stage runs anything; the
// per-run KubeRun is built once per command.

import { UsageError } from '../../core/errors.js';
import { refuseUnbuiltEdges } from '../../k8s/edges.js';
import { copiesReport } from '../../nats/jetstream/copies.js';
import { streamCopiesChecked } from '../../nats/live/observe.js';
import { observation } from '../../nats/observation.js';
import { edgesSection } from '../local/edges.js';
import type { Invocation, Provider, StageFn } from '../provider.js';
import { certsStage } from './certs.js';
import { FLAVORS } from './flavor.js';
import { requireServicesImage } from './image.js';
import { ingressStage } from './ingress.js';
import { jetstreamStage } from './jetstream.js';
import { prepareKubeJwt } from './jwt.js';
import { linkerdStage } from './linkerd.js';
import { observabilityStage } from './observability.js';
import { observeKube, observeKubeCopies, observeKubeEdges } from './observe.js';
import { type KubeFlavor, type KubeRun, kubeRun } from './run.js';
import { servicesStage } from './services.js';
import { readState } from './state.js';
import { superclusterStage } from './supercluster.js';
import { checkTools } from './tools.js';

/** One KubeRun per invocation (install runs every stage with the same one). */
const runs = new WeakMap<Invocation, KubeRun>();
function runOf(inv: Invocation, flavor: KubeFlavor): KubeRun {
  let k = runs.get(inv);
  if (!k) {
    k = kubeRun(inv, flavor);
    refuseUnbuiltEdges(inv.topology(), flavor.name, k.auth);
    runs.set(inv, k);
  }
  return k;
}

/** The run narrowed to the named clusters (all when none are named): region and delete act on part of a sandbox. */
function selected(k: KubeRun, names: string[]): KubeRun {
  if (!names.length) return k;
  return { ...k, names: k.names.filter((n) => names.includes(n)), targets: k.targets.filter((t) => names.includes(t.name)) };
}

/** --wan emulates distance between processes on one machine; clusters have a network of their own. */
function refuseWan(inv: Invocation): void {
  if (inv.args.wan !== undefined) {
    throw new UsageError(
      `--wan emulates a WAN between the local provider's processes; ${inv.provider} clusters have a network of their own (drop --wan, or use --provider local)`,
    );
  }
}

export function kubernetesProvider(flavor: KubeFlavor): Provider {
  const stage =
    (fn: (k: KubeRun) => Promise<void>): StageFn =>
    async (inv) => {
      refuseWan(inv);
      checkTools(flavor, inv.settings.env, inv.dryRun);
      const k = runOf(inv, flavor);
      await prepareKubeJwt(k);
      await fn(k);
    };
  const clientUrl = flavor.clientUrl;
  return {
    name: flavor.name,
    stages: {
      '01-clusters': stage(flavor.clusters),
      '02-certs': stage(certsStage),
      '03-linkerd': stage(linkerdStage),
      '04-observability': stage(observabilityStage),
      '05-ingress': stage(ingressStage),
      '06-supercluster': stage(superclusterStage),
      '07-jetstream': stage(jetstreamStage),
      '08-services': stage(servicesStage),
    },
    skipped: {},
    refusals: {
      partition: `it cuts links of the local provider's WAN layer; ${flavor.name} clusters have a network of their own`,
      drill: 'drills kill and restart processes of the local provider on this machine (--provider local, on a sandbox installed with it)',
    },
    async preflight(inv: Invocation) {
      refuseWan(inv);
      checkTools(flavor, inv.settings.env, inv.dryRun);
      requireServicesImage(runOf(inv, flavor));
    },
    saved: (settings) => {
      const state = readState(settings.sandboxDir, flavor.name);
      return state?.names.length
        ? { names: state.names, replicas: state.replicas ?? {}, ...(state.edges?.length ? { edges: state.edges } : {}) }
        : undefined;
    },
    async region(inv: Invocation, action: 'down' | 'up') {
      if (!flavor.region)
        throw new UsageError(
          'region down/up stops k3d clusters; with existing clusters (kube) scale the NATS StatefulSets of a context to 0 and back instead',
        );
      checkTools(flavor, inv.settings.env, inv.dryRun, flavor.regionTools[action]);
      // The run's own names, contexts and replicas: nothing is turned back into arguments.
      await flavor.region(selected(runOf(inv, flavor), inv.args.names), action);
    },
    ...(clientUrl ? { clientUrl: (inv: Invocation) => clientUrl(inv.settings.sandboxDir) } : {}),
    async observe(inv: Invocation) {
      checkTools(flavor, inv.settings.env, inv.dryRun);
      const k = runOf(inv, flavor);
      const [live, copies, edges] = await Promise.all([
        observeKube(k),
        streamCopiesChecked(() => observeKubeCopies(k)),
        k.topo.edges.length ? observeKubeEdges(k) : Promise.resolve(undefined),
      ]);
      const edgeSection = edges ? edgesSection(k.topo, edges) : undefined;
      return observation({
        topology: k.topo,
        live,
        ...(edges ? { edges } : {}),
        sections: [{ name: 'stream copies', ...copiesReport(copies.copies, copies.disagreements) }, ...(edgeSection ? [edgeSection] : [])],
      });
    },
    async delete(inv: Invocation) {
      checkTools(flavor, inv.settings.env, inv.dryRun);
      await flavor.remove(selected(runOf(inv, flavor), inv.args.names));
    },
  };
}

export const k3dProvider = kubernetesProvider(FLAVORS.k3d);
export const kubeProvider = kubernetesProvider(FLAVORS.kube);
