// Stage 03 on Kubernetes: linkerd's PKI through cert-manager in every cluster, the exchange of trust
// anchors between all of them, the control plane with its external CA, the multicluster extension
// with one service mirror per other cluster, and the links themselves.

import { MissingToolError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { REPOS } from '../../k8s/charts.js';
import { importedAnchorSecret, previousAnchorSecret } from '../../k8s/linkerd-pki.js';
import { LINKERD, NAMESPACES } from '../../k8s/names.js';
import type { ClusterPlan } from '../../k8s/plan.js';
import type { KubeTarget } from '../../k8s/targets.js';
import { linkerdPin, linkGenCommand } from '../../k8s/upstream.js';
import { addHelmRepos, applyFile, applyObjects, exists, helmUpgrade, readSecretKey, waitFor } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';

const TLS_CRT = 'tls.crt';

function readAnchor(k: KubeRun, t: KubeTarget): Promise<string> {
  return readSecretKey(k, t, NAMESPACES.certManager, LINKERD.trustAnchor, TLS_CRT, `<trust anchor certificate of ${t.name}>`);
}

/** Issuers, the trust anchor and its one-time copy, the identity issuer. */
async function pki(k: KubeRun, p: ClusterPlan): Promise<void> {
  const t = p.target;
  await applyFile(k, t, p.linkerd.namespace);
  await applyFile(k, t, p.linkerd.issuers);
  await waitFor(k, t, `certificate/${LINKERD.trustAnchor}`, NAMESPACES.certManager, 'condition=Ready');
  // Made once: later runs must keep the anchor that was trusted first.
  if (!(await exists(k, t, 'secret', NAMESPACES.certManager, LINKERD.previousAnchor, false))) {
    await applyObjects(k, t, [previousAnchorSecret(await readAnchor(k, t))]);
  }
  await applyFile(k, t, p.linkerd.identityIssuer);
  await waitFor(k, t, `certificate/${LINKERD.identityIssuer}`, NAMESPACES.linkerd, 'condition=Ready');
}

/** Every cluster trusts every other cluster's anchor: imported Secrets, then the whole Bundle. */
async function exchangeAnchors(k: KubeRun, plans: ClusterPlan[]): Promise<void> {
  const anchors = new Map(await eachCluster(plans, async (p) => [p.target.name, await readAnchor(k, p.target)] as const));
  await eachCluster(plans, async (p) => {
    const imported = plans.filter((o) => o !== p).map((o) => importedAnchorSecret(o.target.name, anchors.get(o.target.name)!));
    if (imported.length) await applyObjects(k, p.target, imported);
    await applyFile(k, p.target, p.linkerd.trustBundle);
    // The control plane starts from this ConfigMap, which trust-manager writes from the bundle.
    await waitFor(k, p.target, `configmap/${LINKERD.trustBundle}`, NAMESPACES.linkerd, 'create');
  });
}

/**
 * Each cluster generates the link to itself (link-gen), then every cluster applies the links of
 * all the others. The generated credentials go through stdin only.
 */
async function link(k: KubeRun, plans: ClusterPlan[]): Promise<void> {
  const links = new Map(
    await eachCluster(plans, async (p) => {
      const name = p.target.name;
      const k3dNode = `k3d-${name}-server-0`;
      const where = k.provider === 'k3d' ? { apiServer: `https://${k3dNode}:6443`, gateway: k3dNode } : undefined;
      const generated = await k.runner.run(linkGenCommand(linkerdPin(k.settings), name, where), {
        cluster: name,
        context: p.target.context,
        fix: `check the multicluster extension with: linkerd --context ${p.target.context} multicluster check`,
      });
      return [name, generated.stdout] as const;
    }),
  );
  await eachCluster(plans, async (p) => {
    for (const other of plans.filter((o) => o !== p)) {
      log.cluster(p.target.name, `stdin: the link to ${other.target.name} that link-gen made`);
      await k.runner.run(['kubectl', 'apply', '-f', '-'], {
        cluster: p.target.name,
        context: p.target.context,
        input: links.get(other.target.name)!,
        fix: `the link to ${other.target.name} could not be applied`,
      });
    }
  });
}

/** link-gen writes Links for its own release: a CLI of another release makes Links the charts do not read. */
export async function checkLinkerdCli(k: KubeRun): Promise<void> {
  const pin = linkerdPin(k.settings);
  const out = await k.runner.run(['linkerd', 'version', '--client', '--short'], { read: true, assume: pin.cli, silent: true });
  const found = out.stdout.trim();
  if (found !== pin.cli)
    throw new MissingToolError(
      `the linkerd CLI is ${found || 'of an unknown version'}, but LINKERD_CHART_VERSION=${k.settings.chartVersions.LINKERD_CHART_VERSION} needs ${pin.cli}: ` +
        `install it with: curl -sL https://run.linkerd.io/install-edge | LINKERD2_VERSION=${pin.cli} sh`,
    );
}

export async function linkerdStage(k: KubeRun): Promise<void> {
  const plans = planOf(k);
  if (plans.length > 1) await checkLinkerdCli(k);
  await eachCluster(plans, (p) => pki(k, p));
  await exchangeAnchors(k, plans);
  await addHelmRepos(k, [REPOS.linkerdEdge]);
  await eachCluster(plans, async (p) => {
    await helmUpgrade(k, p.linkerd.crds);
    await helmUpgrade(k, p.linkerd.controlPlane);
    await helmUpgrade(k, p.linkerd.multicluster);
  });
  if (plans.length > 1) await link(k, plans);
}
