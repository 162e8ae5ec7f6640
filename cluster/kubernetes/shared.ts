// On a cluster that is not the sandbox's own (kube provider), cluster-wide components may be there
// already: cert-manager or trust-manager under another release, Gateway API CRDs from someone else.
// Found by who owns their CRDs (helm's release annotations); the sandbox installs only what is
// missing, remembers what it installed, and delete removes only that and says what it left.
import { log } from '../../core/log.js';
import type { HelmRelease } from '../../k8s/charts.js';
import { NAMESPACES } from '../../k8s/names.js';
import type { KubeTarget } from '../../k8s/targets.js';
import type { KubeRun } from './run.js';
import { readState, rememberInstalled } from './state.js';

/** A CRD that says a component is there, per release of ours that would bring it. */
export const MARKER_CRDS: Record<string, string> = {
  'cert-manager': 'certificates.cert-manager.io',
  'trust-manager': 'bundles.trust.cert-manager.io',
};
/** linkerd-crds installs these only with installGatewayAPI. */
export const GATEWAY_API_CRD = 'httproutes.gateway.networking.k8s.io';

const OWNER = 'jsonpath={.metadata.annotations.meta\\.helm\\.sh/release-namespace}/{.metadata.annotations.meta\\.helm\\.sh/release-name}';

/**
 * Who else owns the CRD: undefined when it is missing or ours (`ours`: namespace/release), else
 * "release <ns>/<name>" or "something other than helm".
 */
export async function foreignOwner(k: KubeRun, t: KubeTarget, crd: string, ours: string): Promise<string | undefined> {
  const out = await k.runner.run(['kubectl', 'get', 'crd', crd, '--ignore-not-found', '-o', OWNER], {
    cluster: t.name,
    context: t.context,
    read: true,
    assume: '',
    silent: true,
  });
  const owner = out.stdout.trim();
  if (!owner || owner === ours) return undefined;
  return owner === '/' ? 'something other than helm' : `release ${owner}`;
}

/** Whether to install `release` in this cluster: always in a cluster of our own, else only if nobody else has it. */
export async function installHere(k: KubeRun, release: HelmRelease): Promise<boolean> {
  const crd = MARKER_CRDS[release.release];
  if (!k.flavor.sharedCluster || !crd) return true;
  const t = { name: release.cluster, context: release.context };
  const other = await foreignOwner(k, t, crd, `${release.namespace}/${release.release}`);
  if (!other) return true;
  log.cluster(t.name, `${release.release} is installed already (${crd} belongs to ${other}): left as it is, used as it is`);
  return false;
}

/**
 * The namespace cert-manager runs in (its "cluster resource namespace", where a ClusterIssuer's CA
 * Secret must be): ours, or that of the release someone else installed it with.
 */
export async function certManagerNamespace(k: KubeRun, t: KubeTarget): Promise<string> {
  if (!k.flavor.sharedCluster) return NAMESPACES.certManager;
  const other = await foreignOwner(k, t, MARKER_CRDS['cert-manager']!, `${NAMESPACES.certManager}/cert-manager`);
  const ns = /^release ([^/]+)\//.exec(other ?? '')?.[1];
  if (other && !ns) log.warn(`${t.name}: cert-manager was not installed with helm; assuming it runs in ${NAMESPACES.certManager}`);
  return ns ?? NAMESPACES.certManager;
}

/** linkerd-crds' values for this cluster: no Gateway API CRDs where someone else's are. */
export async function linkerdCrdsRelease(k: KubeRun, release: HelmRelease): Promise<HelmRelease> {
  if (!k.flavor.sharedCluster) return release;
  const t = { name: release.cluster, context: release.context };
  const other = await foreignOwner(k, t, GATEWAY_API_CRD, `${release.namespace}/${release.release}`);
  if (!other) return release;
  log.cluster(t.name, `Gateway API CRDs belong to ${other}: linkerd-crds installs without them (installGatewayAPI=false)`);
  return { ...release, values: { ...release.values, installGatewayAPI: false } };
}

/** Note that the sandbox installed this release (delete removes only these). */
export function recordInstalled(k: KubeRun, release: HelmRelease): void {
  if (!k.dryRun) rememberInstalled(k.sandboxDir, k.provider, release.cluster, `${release.namespace}/${release.release}`);
}

/** The releases the sandbox installed in a cluster (namespace/release). */
export function installedReleases(k: KubeRun, cluster: string): Set<string> {
  return new Set(readState(k.sandboxDir, k.provider)?.installed?.[cluster] ?? []);
}
