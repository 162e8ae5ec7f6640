// render.mjs: write what the Kubernetes stages would apply to a folder, validated first. Needs no
// cluster and no credentials: the values reference Secrets made at install time.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { authModeOf } from '../../../cluster/auth-mode.js';
import { renderedFlavor } from '../../../cluster/kubernetes/flavor.js';
import { PENDING_SERVICES_IMAGE, servicesImageOf } from '../../../cluster/kubernetes/image-name.js';
import { keptAuth, readState } from '../../../cluster/kubernetes/state.js';
import { SandboxError, UsageError } from '../../../core/errors.js';
import { flag, type OptionsOf } from '../../../core/flags.js';
import { type ProviderName, parseContexts, splitNames } from '../../../core/input.js';
import { ensureJwtAuth, jwtPaths } from '../../../core/jwt-store.js';
import { log } from '../../../core/log.js';
import { loadCredentials } from '../../../core/secrets.js';
import type { Settings } from '../../../core/settings.js';
import { readKubeSettings } from '../../../core/settings.js';
import { routeLists } from '../../../k8s/dials.js';
import { refuseUnbuiltEdges } from '../../../k8s/edges.js';
import { credsSecretName } from '../../../k8s/jwt-auth.js';
import { kubePlan, NATS_NAMESPACE_IDENTITIES, type PlanInput, planManifests } from '../../../k8s/plan.js';
import { renderPlan, writeFiles } from '../../../k8s/render.js';
import { SERVICE_IDENTITIES, SERVICES_NAMESPACE } from '../../../k8s/services.js';
import { pendingIngressHost } from '../../../k8s/targets.js';
import { upstreamCrds } from '../../../k8s/upstream.js';
import { validateObjects } from '../../../k8s/validate.js';
import type { AuthMode } from '../../../nats/jwt-auth.js';
import { type EdgeName, resolveTopology } from '../../../nats/topology.js';
import { AUTH_FLAG } from '../auth-flag.js';
import { plainCommand, SANDBOX_FLAGS } from '../command.js';

const FLAGS = {
  ...SANDBOX_FLAGS,
  out: flag.text('DIR', 'folder to write to (created if missing)'),
  auth: AUTH_FLAG,
};

interface RenderArgs {
  names: string[];
  /** Edge sites (`e1@c1`): releases of the nats chart in their hub's cluster. */
  edges: EdgeName[];
  provider?: ProviderName;
  contexts: Record<string, string>;
  replicas: NonNullable<OptionsOf<typeof FLAGS>['replicas']>;
  auth?: AuthMode;
}

/** Made at install time from live data or generated secrets, so not in the folder. */
const MADE_AT_INSTALL = [
  'cert-manager/linkerd-trust-anchor (the one linkerd trust anchor, made under <sandbox>/pki/linkerd-anchor; its key is never written here)',
  'linkerd-multicluster links (linkerd multicluster link-gen)',
  'prometheus/grafana-admin (generated password)',
  'nats/nats-credentials (route and gateway passwords, and the route lists shown in <cluster>/nats-routes.json with the password replaced)',
  'nats/nats-sandbox-ca (the one sandbox CA, made under <sandbox>/pki/ca; its key is never written here)',
  "math/nats-sandbox-ca (the sandbox CA again, for the Issuer of the services' client certificates)",
  'math/mysql-credentials (generated MySQL passwords, in the recorder cluster)',
  "stage 07 names each run's Job jetstream-apply-<run>",
];

/** Operator mode: the creds files (user JWT and seed) go to the clusters through stdin only. */
const MADE_AT_INSTALL_JWT = [
  `${NATS_NAMESPACE_IDENTITIES.map((id) => `nats/${credsSecretName(id)}`).join(', ')} (creds of nats-box and stage 07's Job, from <sandbox>/jwt)`,
  `${SERVICE_IDENTITIES.map((id) => `${SERVICES_NAMESPACE}/${credsSecretName(id)}`).join(', ')} (creds of the services, from <sandbox>/jwt)`,
];

async function render(args: RenderArgs, out: string, settings: Settings): Promise<number> {
  const flavor = renderedFlavor(args.provider ?? settings.provider);
  const provider = flavor.name;
  const saved = readState(settings.sandboxDir, provider);
  const topo = resolveTopology({
    names: args.names,
    edges: args.edges,
    flags: args.replicas,
    saved: saved?.names.length ? { names: saved.names, replicas: saved.replicas ?? {} } : undefined,
    env: settings.replicas,
  });
  const kubeSettings = readKubeSettings(settings.env);
  const servicesImage = servicesImageOf(flavor.pullsServicesImage, kubeSettings.servicesImage);
  // The sandbox's auth mode, as its stages would keep it; the keys of its store (in memory only when there are none yet).
  const auth = authModeOf(args.auth, keptAuth(saved), settings.auth);
  refuseUnbuiltEdges(topo, provider, auth);
  const jwt = auth === 'jwt' ? await ensureJwtAuth(settings.sandboxDir, false) : undefined;
  const input: PlanInput = {
    sharedCluster: flavor.sharedCluster,
    topo,
    targets: flavor.targets(args.names, args.contexts),
    settings: kubeSettings,
    servicesImage,
    jsLimits: settings.jsLimits,
    stretchedRoutes: settings.stretchedRoutes,
    credentials: loadCredentials(settings.sandboxDir, settings.env, false),
    ingressHost: flavor.ingressHost,
    ...(jwt ? { jwt: jwt.server } : {}),
  };
  const plans = kubePlan(input);
  const crds = upstreamCrds(kubeSettings);
  const problems = plans.flatMap((p) =>
    validateObjects(
      planManifests(p).flatMap((m) => m.objects),
      crds,
    ),
  );
  if (problems.length) throw new SandboxError(`the rendered objects are not valid:\n  - ${problems.join('\n  - ')}`);
  const dir = resolve(out);
  const files = renderPlan(plans, Object.fromEntries(plans.map((p) => [p.target.name, routeLists(input, p.target.name)])));
  writeFiles(dir, files);
  const count = (re: RegExp) => [...files.keys()].filter((f) => re.test(f)).length;
  log.info(
    `wrote to ${dir}: releases.json, ${count(/\/values\//)} values files and ${count(/\/manifests\//)} manifest files for ${args.names.join(', ')}${args.edges.length ? ` with edge site(s) ${args.edges.map((e) => `${e.name}@${e.hub}`).join(', ')}` : ''} (${provider})`,
  );
  if (servicesImage === PENDING_SERVICES_IMAGE)
    log.info(`the services image is a placeholder (${PENDING_SERVICES_IMAGE}): set SERVICES_IMAGE to the image your clusters pull`);
  if (flavor.findsIngressAddresses)
    log.info(
      `gateway addresses are placeholders (${pendingIngressHost(args.names[0]!)}): install finds each cluster's ingress LoadBalancer address and adds it to the NATS server certificate`,
    );
  if (jwt)
    log.info(
      `operator mode: the values carry the operator JWT, the system account and the preloaded account JWTs (signed claims, no key); ${existsSync(jwtPaths(settings.sandboxDir).operatorSeed) ? `the keys are the sandbox's (${jwtPaths(settings.sandboxDir).root})` : 'no keys exist yet: these JWTs are examples, install makes the real ones once'}`,
    );
  log.info(`made at install time, not written: ${[...MADE_AT_INSTALL, ...(jwt ? MADE_AT_INSTALL_JWT : [])].join('; ')}`);
  return 0;
}

export const command = plainCommand({
  name: 'render',
  summary:
    'Write what the k3d/kube stages would apply: DIR/releases.json, the helm values and every manifest under DIR/<cluster>/manifests.',
  positionals: 'topology',
  flags: FLAGS,
  check: (o) => {
    if (!o.out) throw new UsageError('render needs --out DIR, the folder to write releases.json, values and manifests to');
  },
  async run({ options, positionals, settings }) {
    // Checked before run: each edge's hub is one of the names (scripts/lib/run.ts).
    const { names, edges } = splitNames(positionals);
    const args: RenderArgs = {
      names,
      edges,
      ...(options.provider ? { provider: options.provider } : {}),
      contexts: parseContexts(options.context),
      replicas: options.replicas ?? {},
      ...(options.auth ? { auth: options.auth } : {}),
    };
    return render(args, options.out!, settings);
  },
});
