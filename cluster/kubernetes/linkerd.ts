// Stage 03 on Kubernetes: linkerd's PKI through cert-manager in every cluster from one trust anchor
// shared by all of them, the control plane with its external CA, the multicluster extension with
// one service mirror per other cluster, and the links themselves.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingToolError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { issueSelfSignedCa, pkiPaths, renewalReason } from '../../core/pki.js';
import { REPOS } from '../../k8s/charts.js';
import { anchorSecretCommand, LINKERD_ANCHOR_DAYS, LINKERD_ANCHOR_SUBJECT } from '../../k8s/linkerd-pki.js';
import { LINKERD, NAMESPACES } from '../../k8s/names.js';
import type { ClusterPlan } from '../../k8s/plan.js';
import { linkerdPin, linkGenCommand } from '../../k8s/upstream.js';
import { addHelmRepos, applyFile, helmUpgrade, waitFor } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';
import { certManagerNamespace, linkerdCrdsRelease } from './shared.js';

/** The one trust anchor of every cluster, made once on this machine (key mode 0600), like the NATS CA. */
export function anchorPaths(sandboxDir: string): { dir: string; cert: string; key: string } {
  const dir = join(pkiPaths(sandboxDir).root, 'linkerd-anchor');
  return { dir, cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
}

async function ensureAnchor(k: KubeRun): Promise<void> {
  const paths = anchorPaths(k.sandboxDir);
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  const cert = read(paths.cert);
  // The same checks as the NATS PKI: readable, its own key, not close to expiry.
  const why = cert ? renewalReason(cert, cert, Date.now(), read(paths.key) ?? '') : 'missing';
  if (!why) {
    log.info(`linkerd trust anchor: kept ${paths.cert} (one anchor for every cluster)`);
    return;
  }
  if (cert) log.warn(`linkerd trust anchor ${paths.cert}: ${why}; a new one is made and stored in every cluster`);
  await issueSelfSignedCa(k.runner, { cert: paths.cert, key: paths.key, subject: LINKERD_ANCHOR_SUBJECT, days: LINKERD_ANCHOR_DAYS });
  log.info(`linkerd trust anchor: ${k.dryRun ? 'would make' : 'made'} ${paths.cert} (one anchor for every cluster)`);
}

/** The shared anchor as cert-manager's Secret, the ClusterIssuer on it, the identity issuer, the trust bundle. */
async function pki(k: KubeRun, p: ClusterPlan): Promise<void> {
  const t = p.target;
  const paths = anchorPaths(k.sandboxDir);
  await applyFile(k, t, p.linkerd.namespace);
  // Where cert-manager reads a ClusterIssuer's Secret from (kube: perhaps someone else's cert-manager).
  const namespace = await certManagerNamespace(k, t);
  const rendered = await k.runner.run(anchorSecretCommand(paths.cert, paths.key, namespace), {
    cluster: t.name,
    context: t.context,
    read: true,
    silent: true,
    assume: `<Secret ${namespace}/${LINKERD.trustAnchor} from ${paths.cert}>`,
    fix: `the linkerd trust anchor under ${paths.dir} is unreadable: delete that folder and run stage 03 again`,
  });
  log.cluster(t.name, `stdin: Secret ${namespace}/${LINKERD.trustAnchor} (the shared linkerd trust anchor)`);
  await k.runner.run(['kubectl', 'apply', '-f', '-'], { cluster: t.name, context: t.context, input: rendered.stdout });
  await applyFile(k, t, p.linkerd.issuers);
  await applyFile(k, t, p.linkerd.identityIssuer);
  await waitFor(k, t, `certificate/${LINKERD.identityIssuer}`, NAMESPACES.linkerd, 'condition=Ready');
  await applyFile(k, t, p.linkerd.trustBundle);
  // The control plane starts from this ConfigMap, which trust-manager writes from the bundle.
  await waitFor(k, t, `configmap/${LINKERD.trustBundle}`, NAMESPACES.linkerd, 'create');
}

/**
 * Each cluster generates the link to itself (link-gen), then every cluster applies the links of
 * all the others. The generated credentials go through stdin only.
 */
async function link(k: KubeRun, plans: ClusterPlan[]): Promise<void> {
  const links = new Map(
    await eachCluster(plans, async (p) => {
      const name = p.target.name;
      const generated = await k.runner.run(linkGenCommand(linkerdPin(k.settings), name, k.flavor.linkAddresses(name)), {
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
  await ensureAnchor(k);
  await eachCluster(plans, (p) => pki(k, p));
  await addHelmRepos(k, [REPOS.linkerdEdge]);
  await eachCluster(plans, async (p) => {
    await helmUpgrade(k, await linkerdCrdsRelease(k, p.linkerd.crds));
    await helmUpgrade(k, p.linkerd.controlPlane);
    await helmUpgrade(k, p.linkerd.multicluster);
  });
  if (plans.length > 1) await link(k, plans);
}
