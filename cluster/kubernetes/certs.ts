// Stage 02 on Kubernetes: cert-manager (with its CRDs) and trust-manager, then the NATS PKI in
// every cluster: the one sandbox CA (made once on this machine by the local provider's PKI code,
// under <sandbox>/pki/ca) stored as the secret of a CA Issuer, and the server and client
// Certificates issued from it. The CA key goes from its 0600 file to kubectl through stdin only.

import { log } from '../../core/log.js';
import { ensureLocalPki, pkiPaths } from '../../core/pki.js';
import { REPOS } from '../../k8s/charts.js';
import { NAMESPACES } from '../../k8s/names.js';
import { caSecretCommands, NATS_CA_SECRET } from '../../k8s/nats-pki.js';
import type { ClusterPlan } from '../../k8s/plan.js';
import { ingressHosts } from './ingress-address.js';
import { addHelmRepos, applyFile, helmUpgrade, waitFor } from './ops.js';
import { eachCluster, type KubeRun, planOf } from './run.js';
import { installHere } from './shared.js';

/** The sandbox CA as an Issuer's Secret in `namespace`: rendered by kubectl (client side) and applied from stdin. */
export async function storeCa(k: KubeRun, p: ClusterPlan, namespace: string = NAMESPACES.nats): Promise<void> {
  const t = p.target;
  const paths = pkiPaths(k.sandboxDir);
  const { create, apply } = caSecretCommands(paths.caCert, paths.caKey, namespace);
  const rendered = await k.runner.run(create, {
    cluster: t.name,
    context: t.context,
    read: true,
    silent: true,
    assume: `<Secret ${namespace}/${NATS_CA_SECRET} from ${paths.caCert}>`,
    fix: `the sandbox CA under ${paths.root} is unreadable: delete that folder and run stage 02 again (every cluster gets the new CA)`,
  });
  log.cluster(t.name, `stdin: Secret ${namespace}/${NATS_CA_SECRET} (the sandbox CA)`);
  await k.runner.run(apply, {
    cluster: t.name,
    context: t.context,
    input: rendered.stdout,
    fix: `could not store the sandbox CA as ${namespace}/${NATS_CA_SECRET}`,
  });
}

/** The CA Issuer and the NATS Certificates, applied and issued (an unchanged one is left as it is). */
export async function applyNatsPki(k: KubeRun, p: ClusterPlan): Promise<void> {
  await applyFile(k, p.target, p.certs.natsPki);
  const certificates = p.certs.natsPki.objects.filter((o) => o.kind === 'Certificate').map((o) => `certificate/${o.metadata.name}`);
  await waitFor(k, p.target, certificates, NAMESPACES.nats, 'condition=Ready');
}

export async function certsStage(k: KubeRun): Promise<void> {
  const pki = await ensureLocalPki(k.runner, k.sandboxDir);
  log.info(
    `sandbox CA: ${pki.issued.includes('ca') ? (k.dryRun ? 'would make' : 'made') : 'kept'} ${pkiPaths(k.sandboxDir).caCert} (one CA for every cluster)`,
  );
  // kube: the LoadBalancer address, if a previous install already has one (else stage 06 adds it).
  const plans = planOf(k, await ingressHosts(k, false));
  await addHelmRepos(k, [REPOS.jetstack]);
  await eachCluster(plans, async (p) => {
    // kube: a cert-manager or trust-manager someone else installed is used as it is.
    if (await installHere(k, p.certs.certManager)) await helmUpgrade(k, p.certs.certManager);
    // trust-manager's webhook certificate comes from cert-manager: after it.
    if (await installHere(k, p.certs.trustManager)) await helmUpgrade(k, p.certs.trustManager);
    await applyFile(k, p.target, p.supercluster.namespace);
    await storeCa(k, p);
    await applyNatsPki(k, p);
  });
}
