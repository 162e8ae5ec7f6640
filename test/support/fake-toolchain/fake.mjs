// @ts-check
// A recording fake of docker, k3d, kubectl, helm and linkerd for tests of the Kubernetes path.
// Each call is appended to $FAKE_STATE_DIR/calls.jsonl; the clusters, contexts, namespaces,
// objects and helm releases it makes live in $FAKE_STATE_DIR/state.json, so later calls see what
// earlier ones did (a second install finds its clusters, delete finds what install made). It is
// strict where the real tools are: objects need their namespace and their CRDs' chart, helm needs
// its repo and a readable values file. $FAKE_FAIL (JSON list of {context?, match, message?}) makes
// matching calls fail. No network, no Docker, no Kubernetes. It stays plain JavaScript (node runs it
// directly, one process per call) but is type-checked: tsconfig.json includes it, with JSDoc types
// and the state's interfaces from harness.ts.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {import('./harness.ts').FakeState} FakeState
 * @typedef {import('./harness.ts').FakeCluster} FakeCluster
 * @typedef {import('./harness.ts').FakeFailure} FakeFailure
 * @typedef {import('./harness.ts').FakeNatsServer} FakeNatsServer
 * @typedef {import('./harness.ts').HelmRelease} HelmRelease
 * @typedef {import('./harness.ts').K3dConfig} K3dConfig
 * @typedef {import('./harness.ts').KindSpecs} KindSpecs
 * @typedef {import('./harness.ts').KubeObject} KubeObject
 * @typedef {import('./harness.ts').NatsValues} NatsValues
 * @typedef {import('./harness.ts').PodTemplate} PodTemplate
 */
/**
 * @template {keyof KindSpecs} K
 * @typedef {import('./harness.ts').KubeObjectOf<K>} KubeObjectOf
 */

const [tool, ...argv] = process.argv.slice(2);
// Only calls that read or write YAML load the parser (most calls are quick reads).
const needsYaml =
  tool === 'helm' || tool === 'k3d' || tool === 'linkerd' || (tool === 'kubectl' && (argv.includes('apply') || argv.includes('create')));
const YAML = needsYaml ? (await import('yaml')).default : undefined;
const dir = process.env.FAKE_STATE_DIR;
if (!dir) fail('FAKE_STATE_DIR is not set', 2);
const stateFile = join(dir, 'state.json');
const lockDir = join(dir, 'lock');

let locked = false;
/**
 * Exit like the real tool would; nothing of this call is saved.
 * @param {string} message
 * @returns {never}
 */
function fail(message, code = 1) {
  if (locked) rmSync(lockDir, { recursive: true, force: true });
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

// --- state, under a lock (clusters are worked in parallel) ---------------------------------------
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function lock() {
  for (let i = 0; i < 2000; i++) {
    try {
      mkdirSync(lockDir);
      locked = true;
      return;
    } catch {
      Atomics.wait(sleeper, 0, 0, 5);
    }
  }
  fail('fake toolchain: state lock timed out');
}

/**
 * A required value the call is missing (the project's calls always have it).
 * @template T
 * @param {T | undefined} value
 * @param {string} what
 * @returns {T}
 */
function need(value, what) {
  if (value === undefined) fail(`fake ${tool}: missing ${what}`);
  return value;
}

/** @returns {FakeState} */
function load() {
  const s = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  return { docker: true, networks: [], images: [], k3d: {}, contexts: {}, repos: {}, ...s };
}
/** @param {FakeState} s */
const save = (s) => writeFileSync(stateFile, JSON.stringify(s, null, 2));

/**
 * The kube context flag each tool takes, taken out of the arguments.
 * @param {string[]} args
 * @param {string} flag
 * @returns {{ context: string | undefined, args: string[] }}
 */
function takeContext(args, flag) {
  const i = args.indexOf(flag);
  if (i < 0) return { context: undefined, args };
  return { context: args[i + 1], args: [...args.slice(0, i), ...args.slice(i + 2)] };
}

/**
 * The value of option `name`, given as `name value` or `name=value`.
 * @param {string[]} args
 * @param {string} name
 * @returns {string | undefined}
 */
function opt(args, name) {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}

/** @param {string} text */
const out = (text) => process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);

// --- record and inject failures -------------------------------------------------------------------
const flag = tool === 'helm' ? '--kube-context' : '--context';
const { context, args } = takeContext(argv, flag);
const stdin = args.includes('-') && args[args.indexOf('-') - 1] === '-f' ? readFileSync(0, 'utf8') : undefined;
appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify({ tool, context: context ?? null, args })}\n`);
/** @type {FakeFailure[]} */
const failures = JSON.parse(process.env.FAKE_FAIL || '[]');
for (const f of failures) {
  if ((f.context === undefined || f.context === context) && `${tool} ${args.join(' ')}`.includes(f.match))
    fail(f.message ?? `fake failure: ${f.match}`);
}

/** Charts whose CRDs an API group needs (what `no matches for kind` is about in a real cluster). @type {Record<string, string>} */
const CRD_CHART = {
  'cert-manager.io': 'jetstack/cert-manager',
  'trust.cert-manager.io': 'jetstack/trust-manager',
  'monitoring.coreos.com': 'prometheus-community/kube-prometheus-stack',
  // Controller 3.x of the pinned chart installs only the v3 group (crs/definition/embed.go).
  'ingress.v3.haproxy.org': 'haproxytech/kubernetes-ingress',
  'multicluster.linkerd.io': 'linkerd-edge/linkerd-crds',
};
/** API groups every cluster serves; any other group needs a CRD, which only CRD_CHART's charts bring. */
const BUILT_IN = new Set(['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'policy', 'apiextensions.k8s.io']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterIssuer', 'Bundle', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);

/**
 * The cluster of this call's context.
 * @param {FakeState} s
 * @returns {FakeCluster}
 */
function cluster(s) {
  if (!context) fail('error: no context given; the fake wants one on every cluster command');
  const c = s.contexts[context];
  if (!c || c.inKubeconfig === false) fail(`error: context "${context}" does not exist`);
  if (c.unreachable) fail(`Unable to connect to the server: dial tcp: lookup ${context}: no such host`);
  return c;
}
/** @returns {FakeCluster} */
const newCluster = () => ({ namespaces: ['default', 'kube-system'], objects: {}, releases: {}, restarts: [], changes: [] });
/**
 * An object's key in FakeCluster.objects; no namespace for a cluster-scoped one.
 * @param {string} kind
 * @param {string | undefined} ns
 * @param {string | undefined} name
 */
const key = (kind, ns, name) => `${kind}/${ns ?? ''}/${name}`;
/**
 * @param {FakeCluster} c
 * @param {string} chart
 */
const hasChart = (c, chart) => Object.values(c.releases).some((r) => r.chart === chart);
/**
 * Whether `o` is of `kind`; its spec is then that kind's, as the project's manifests write it.
 * @template {keyof KindSpecs} K
 * @param {KubeObject | undefined} o
 * @param {K} kind
 * @returns {o is KubeObjectOf<K>}
 */
const isKind = (o, kind) => o?.kind === kind;
/**
 * The parser, loaded for every call that reads or writes YAML (see needsYaml).
 * @returns {NonNullable<typeof YAML>}
 */
function yaml() {
  if (!YAML) fail(`fake ${tool}: YAML was not loaded for this call`);
  return YAML;
}

// --- docker ---------------------------------------------------------------------------------------
/** @param {FakeState} s */
function docker(s) {
  if (!s.docker) fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  const [a, b] = args;
  if (a === 'info') return out('27.0.0');
  if (a === 'network' && b === 'ls') {
    const name = (opt(args, '--filter') ?? '').replace(/^name=\^?/, '').replace(/\$$/, '');
    return out(s.networks.includes(name) ? name : '');
  }
  if (a === 'network' && b === 'create') {
    const net = need(args[2], 'network name');
    if (s.networks.includes(net)) fail(`Error response from daemon: network with name ${net} already exists`);
    s.networks.push(net);
    return out(`net-${net}`);
  }
  if (a === 'network' && b === 'inspect') {
    const net = args[2];
    if (net === undefined || !s.networks.includes(net)) fail(`Error response from daemon: network ${net} not found`);
    return out(String(Object.values(s.k3d).filter((c) => c.network === net).length * 4));
  }
  if (a === 'image' && b === 'ls') {
    // Never undefined: `image` and `ls` are there at least.
    const image = need(args.filter((x) => !x.startsWith('-')).pop(), 'image');
    return out(s.images.includes(image) ? `sha256:${Buffer.from(image).toString('hex').slice(0, 12)}` : '');
  }
  if (a === 'build') {
    const dockerfile = opt(args, '-f');
    const context = need(args[args.length - 1], 'build context');
    if (!dockerfile || !existsSync(dockerfile)) fail(`ERROR: failed to read dockerfile: open ${dockerfile}: no such file or directory`);
    if (!existsSync(join(context, 'package.json'))) fail(`ERROR: build context ${context} has no package.json`);
    const tag = need(opt(args, '-t'), '-t');
    if (!s.images.includes(tag)) s.images.push(tag);
    return out(`naming to docker.io/library/${tag} done`);
  }
  if (a === 'network' && b === 'rm') {
    const net = need(args[2], 'network name');
    if (Object.values(s.k3d).some((c) => c.network === net))
      fail(`Error response from daemon: error while removing network: network ${net} has active endpoints`);
    s.networks = s.networks.filter((n) => n !== net);
    return out(net);
  }
  fail(`fake docker: unsupported: ${args.join(' ')}`);
}

// --- k3d ------------------------------------------------------------------------------------------
/** @param {FakeState} s */
function k3d(s) {
  const [a, b, name] = args;
  if (a === 'image' && b === 'import') {
    const target = opt(args, '-c');
    if (name === undefined || !s.images.includes(name))
      fail(`ERRO[0000] Failed to import image(s) into cluster '${target}': image '${name}' not found locally`);
    const into = target === undefined ? undefined : s.k3d[target];
    if (!into) fail(`FATA[0000] Failed to get cluster ${target}: No nodes found for given cluster`);
    into.images = [...new Set([...(into.images ?? []), name])];
    return out(`INFO[0000] Successfully imported 1 image(s) into 1 cluster(s)`);
  }
  if (a === 'kubeconfig' && b === 'merge') {
    const merged = s.contexts[`k3d-${name}`];
    if (name === undefined || !s.k3d[name] || !merged) fail(`FATA[0000] Failed to get cluster '${name}'`);
    if (!args.includes('--kubeconfig-merge-default')) fail('fake k3d: merge only into the default kubeconfig is supported');
    merged.inKubeconfig = true;
    return out(`${process.env.HOME}/.kube/config`);
  }
  if (a !== 'cluster') fail(`fake k3d: unsupported: ${args.join(' ')}`);
  if (b === 'list') {
    return out(
      JSON.stringify(
        Object.values(s.k3d).map((c) => ({
          name: c.name,
          serversCount: 1,
          serversRunning: c.running ? 1 : 0,
          agentsCount: 2,
          agentsRunning: c.running ? 2 : 0,
        })),
      ),
    );
  }
  if (name === undefined) fail(`FATA[0000] No nodes found for given cluster: '${name}'`);
  if (b === 'create') {
    if (s.k3d[name]) fail(`FATA[0000] Failed to create cluster '${name}' because a cluster with that name already exists`);
    /** @type {K3dConfig} */
    const config = yaml().parse(readFileSync(need(opt(args, '--config'), '--config'), 'utf8'));
    if (config.apiVersion !== 'k3d.io/v1alpha5' || config.kind !== 'Simple')
      fail('FATA[0000] config is not a k3d.io/v1alpha5 Simple config');
    if (!s.networks.includes(config.network)) s.networks.push(config.network);
    // --port <host>:<port>@loadbalancer: a host port one cluster already holds is refused, as Docker does.
    const ports = args.flatMap((a, i) => (args[i - 1] === '--port' ? a.split(':', 1) : []));
    const held = Object.values(s.k3d).flatMap((c) => c.ports ?? []);
    for (const p of ports) if (held.includes(p)) fail(`FATA[0000] Bind for 0.0.0.0:${p} failed: port is already allocated`);
    s.k3d[name] = { name, network: config.network, running: true, agents: config.agents, ports };
    // Like k3d: the context goes into the kubeconfig at creation unless told not to; then `kubeconfig merge` adds it.
    s.contexts[`k3d-${name}`] = { ...newCluster(), inKubeconfig: !args.includes('--kubeconfig-update-default=false') };
    return out(`INFO[0000] Cluster '${name}' created successfully!`);
  }
  const k = s.k3d[name];
  if (!k) fail(`FATA[0000] No nodes found for given cluster: '${name}'`);
  if (b === 'start' || b === 'stop') {
    k.running = b === 'start';
    return out(`INFO[0000] ${b === 'start' ? 'Started' : 'Stopped'} cluster '${name}'`);
  }
  if (b === 'delete') {
    delete s.k3d[name];
    delete s.contexts[`k3d-${name}`];
    return out(`INFO[0000] Successfully deleted cluster ${name}!`);
  }
  fail(`fake k3d: unsupported: ${args.join(' ')}`);
}

// --- kubectl --------------------------------------------------------------------------------------
/**
 * The objects of a multi-document YAML file, empty documents left out.
 * @param {string} text
 * @returns {KubeObject[]}
 */
function docsOf(text) {
  return yaml()
    .parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter(Boolean);
}

/**
 * @param {FakeCluster} c
 * @param {KubeObject[]} objects
 */
function apply(c, objects) {
  /** @type {string[]} */
  const lines = [];
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
    const chart = CRD_CHART[group];
    if (!BUILT_IN.has(group) && (!chart || !hasChart(c, chart)))
      fail(
        `error: resource mapping not found for name: "${o.metadata.name}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`,
      );
    const ns = CLUSTER_SCOPED.has(o.kind) ? undefined : (o.metadata.namespace ?? 'default');
    if (ns && !c.namespaces.includes(ns)) fail(`Error from server (NotFound): namespaces "${ns}" not found`);
    if (o.kind === 'Namespace' && !c.namespaces.includes(o.metadata.name)) c.namespaces.push(o.metadata.name);
    const k = key(o.kind, ns, o.metadata.name);
    const before = c.objects[k];
    if (isKind(o, 'Job') && isKind(before, 'Job') && JSON.stringify(before.spec.template) !== JSON.stringify(o.spec.template)) {
      fail(`The Job "${o.metadata.name}" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable`);
    }
    c.objects[k] = o;
    // cert-manager issues certificates at once, when a CA issuer's secret is there.
    if (isKind(o, 'Certificate')) {
      const issuer = o.spec.issuerRef.kind === 'Issuer' ? c.objects[key('Issuer', ns, o.spec.issuerRef.name)] : undefined;
      const issuerCa = isKind(issuer, 'Issuer') ? issuer.spec?.ca : undefined;
      const caSecret = issuerCa ? c.objects[key('Secret', ns, issuerCa.secretName)] : undefined;
      if (!issuerCa || caSecret) {
        /** @param {string} t */
        const b64 = (t) => Buffer.from(t).toString('base64');
        const pem = `FAKE CERTIFICATE ${context} ${ns}/${o.metadata.name}`;
        const ca = caSecret
          ? Buffer.from(need(caSecret.data?.['tls.crt'], 'tls.crt of the CA secret'), 'base64').toString()
          : 'FAKE SELF-SIGNED CA';
        c.objects[key('Secret', ns, o.spec.secretName)] = {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/tls',
          metadata: { name: o.spec.secretName, namespace: ns },
          data: { 'tls.crt': b64(pem), 'tls.key': b64(`FAKE KEY ${pem}`), 'ca.crt': b64(ca) },
        };
      }
    }
    // trust-manager writes a bundle into every namespace its selector matches.
    if (isKind(o, 'Bundle')) {
      const want = o.spec.target.namespaceSelector?.matchLabels ?? {};
      for (const n of Object.values(c.objects).filter((x) => x.kind === 'Namespace')) {
        if (Object.entries(want).every(([lk, lv]) => n.metadata.labels?.[lk] === lv)) {
          c.objects[key('ConfigMap', n.metadata.name, o.metadata.name)] = {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: o.metadata.name, namespace: n.metadata.name },
            data: { [o.spec.target.configMap.key]: 'bundle' },
          };
        }
      }
    }
    const verb = !before ? 'created' : JSON.stringify(before) === JSON.stringify(o) ? 'unchanged' : 'configured';
    lines.push(`${o.kind.toLowerCase()}/${o.metadata.name} ${verb}`);
    if (verb !== 'unchanged') c.changes.push(`${k} ${verb}`);
  }
  out(lines.join('\n'));
}

/**
 * Whether `r` is a release of the nats chart; its values are then the chart's, as k8s/nats-values.ts writes them.
 * @param {HelmRelease} r
 * @returns {r is HelmRelease & { values: NatsValues }}
 */
const isNatsRelease = (r) => r.chart === 'nats/nats';

/**
 * NATS servers as the fake runs them: from the nats releases' values, healthy unless told otherwise.
 * @param {FakeState} s
 * @returns {FakeNatsServer[]}
 */
function natsServers(s) {
  /** @type {FakeNatsServer[]} */
  const servers = [];
  for (const [ctx, c] of Object.entries(s.contexts)) {
    for (const r of Object.values(c.releases)) {
      if (!isNatsRelease(r)) continue;
      const v = r.values;
      for (let i = 0; i < v.config.cluster.replicas; i++) {
        servers.push({
          context: ctx,
          pod: `${v.fullnameOverride}-${i}`,
          name: `${v.config.serverNamePrefix}${v.fullnameOverride}-${i}`,
          cluster: v.config.cluster.merge.name,
          tags: v.config.merge.server_tags ?? [],
          jetstream: v.config.jetstream.enabled,
          gateways: (v.config.gateway.merge.gateways ?? []).map((g) => g.name),
        });
      }
    }
  }
  /** @type {string[]} */
  const down = JSON.parse(process.env.FAKE_NATS_DOWN || '[]');
  return servers.filter((x) => !down.includes(`${x.context}/${x.pod}`));
}

/**
 * What an edge site's server answers (LEAFZ, JSZ): the release with leafnode remotes (k8s/edge-values.ts)
 * in this context is connected to the first leafnode listener of its cluster, in its own domain.
 * @param {FakeState} s
 * @param {string} pod
 * @param {string} endpoint
 */
function edgeMonitor(s, pod, endpoint) {
  const c = s.contexts[context ?? ''];
  const releases = Object.values(c?.releases ?? {}).filter(isNatsRelease);
  const edge = releases.find((r) => r.values.config.merge.leafnodes?.remotes && `${r.values.fullnameOverride}-0` === pod);
  /** @type {string[]} */
  const down = JSON.parse(process.env.FAKE_NATS_DOWN || '[]');
  if (!edge || down.includes(`${context}/${pod}`)) return undefined;
  const hub = releases.find((r) => r.values.config.leafnodes?.enabled);
  switch (endpoint) {
    case 'leafz':
      return { leafs: hub ? [{ name: `${hub.values.config.serverNamePrefix}${hub.values.fullnameOverride}-0`, account: 'APP' }] : [] };
    case 'jsz':
      return { config: { domain: edge.values.config.jetstream.merge?.domain ?? '' } };
  }
  fail(`fake kubectl: unsupported endpoint ${endpoint} of edge server ${pod}`);
}

/**
 * What a server's monitoring endpoint answers, through the API server's pod proxy.
 * @param {FakeState} s
 * @param {string | undefined} path
 */
function monitor(s, path) {
  const re = /^\/api\/v1\/namespaces\/nats\/pods\/([^:]+):8222\/proxy\/(\w+)(\?[\w=&]+)?$/;
  const m = path === undefined ? null : re.exec(path);
  if (!m) fail(`fake kubectl: unsupported raw path ${path}`);
  const edge = edgeMonitor(s, m[1] ?? '', m[2] ?? '');
  if (edge) return out(JSON.stringify(edge));
  const servers = natsServers(s);
  const me = servers.find((x) => x.context === context && x.pod === m[1]);
  if (!me) fail(`Error from server (NotFound): pods "${m[1]}" not found`);
  const mates = servers.filter((x) => x.cluster === me.cluster);
  const js = servers
    .filter((x) => x.jetstream)
    .map((x) => x.name)
    .sort();
  switch (m[2]) {
    case 'varz':
      return out(
        JSON.stringify({
          server_id: `ID-${me.name}`,
          server_name: me.name,
          version: '2.14.2',
          connections: 0,
          routes: mates.length - 1,
          mem: 1024,
          uptime: '1m',
          tags: me.tags,
          cluster: { name: me.cluster },
          jetstream: me.jetstream ? { config: {} } : {},
        }),
      );
    case 'routez':
      return out(
        JSON.stringify({ routes: mates.filter((x) => x !== me).map((x) => ({ remote_id: `ID-${x.name}`, remote_name: x.name })) }),
      );
    case 'gatewayz': {
      // Every server of another cluster dials one server here: the first one takes them all.
      const first = [...mates].sort((a, b) => a.name.localeCompare(b.name))[0] === me;
      /** @type {Record<string, object[]>} */
      const inbound = {};
      if (first) for (const x of servers.filter((y) => y.cluster !== me.cluster)) (inbound[x.cluster] ??= []).push({});
      return out(JSON.stringify({ outbound_gateways: Object.fromEntries(me.gateways.map((g) => [g, {}])), inbound_gateways: inbound }));
    }
    case 'jsz': {
      // With streams asked: the answers stream on the xr-js servers, its leader the first of them;
      // FAKE_COPY_AHEAD names a server whose copy holds 11 messages its leader does not.
      const xr = servers
        .filter((x) => x.jetstream && x.cluster === 'xr-js')
        .map((x) => x.name)
        .sort();
      const streams = m[3]?.includes('streams=true') && xr.includes(me.name);
      const ahead = process.env.FAKE_COPY_AHEAD === me.name ? 11 : 0;
      const state = { messages: 10 + ahead, bytes: 1000 + ahead * 100, first_seq: 1, last_seq: 10 + ahead, num_deleted: 0 };
      const replicas = xr.filter((x) => x !== xr[0]).map((name) => ({ name, current: true }));
      const detail = { name: 'answers', cluster: { leader: xr[0], ...(me.name === xr[0] ? { replicas } : {}) }, state };
      return out(
        JSON.stringify({
          meta_cluster: { leader: js[0], cluster_size: js.length },
          ...(streams ? { account_details: [{ name: 'APP', stream_detail: [detail] }] } : {}),
        }),
      );
    }
    case 'healthz':
      return out(JSON.stringify({ status: 'ok', status_code: 200 }));
  }
  fail(`fake kubectl: unsupported endpoint ${m[2]}`);
}

/**
 * An image of ours a k3d cluster was not given (pods would never start); others come from a registry.
 * @param {FakeState} s
 * @param {PodTemplate} template
 */
function missingImage(s, template) {
  const k3dName = context?.startsWith('k3d-') ? context.slice(4) : undefined;
  if (!k3dName) return undefined;
  const images = s.k3d[k3dName]?.images ?? [];
  return template.spec.containers.map((x) => x.image).find((i) => i.startsWith('nats-sandbox-services:') && !images.includes(i));
}

/**
 * $FAKE_JOB_FAIL: JSON list of "<context>/<job name prefix>" whose pods fail.
 * @param {FakeState} s
 * @param {KubeObjectOf<'Job'>} job
 */
function jobFails(s, job) {
  /** @type {string[]} */
  const failing = JSON.parse(process.env.FAKE_JOB_FAIL || '[]');
  return !!missingImage(s, job.spec.template) || failing.some((f) => `${context}/${job.metadata.name}`.startsWith(f));
}

/** @param {FakeState} s */
function kubectl(s) {
  if (args[0] === 'config' && args[1] === 'get-contexts') {
    const wanted = args[2] && !args[2].startsWith('-') ? args[2] : undefined;
    if (wanted && !s.contexts[wanted]) fail(`error: context ${wanted} not found`);
    return out(wanted ?? Object.keys(s.contexts).join('\n'));
  }
  const c = cluster(s);
  const ns = opt(args, '--namespace');
  const [verb, what, name] = args;
  if (verb === 'get' && what === '--raw') return args[2] === '/readyz' ? out('ok') : monitor(s, args[2]);
  if (verb === 'apply') {
    const file = opt(args, '-f');
    return apply(c, docsOf(file === '-' ? need(stdin, 'stdin') : readFileSync(need(file, '-f'), 'utf8')));
  }
  if (verb === 'wait') {
    if (what === 'nodes') return out('node/server-0 condition met');
    /** @type {string[]} */
    const lines = [];
    for (const ref of args.slice(1).filter((a) => !a.startsWith('-') && a.includes('/'))) {
      const [kind = '', objName] = ref.split('/');
      /** @type {Record<string, string>} */
      const kinds = { certificate: 'Certificate', configmap: 'ConfigMap' };
      const objKind = kinds[kind];
      if (!objKind) fail(`fake kubectl: unsupported wait for ${ref}`);
      const o = c.objects[key(objKind, ns, objName)];
      if (!o) fail(`Error from server (NotFound): ${kind}s "${objName}" not found`);
      // Ready: cert-manager wrote its secret.
      if (isKind(o, 'Certificate') && !c.objects[key('Secret', ns, o.spec.secretName)])
        fail(`error: timed out waiting for the condition on certificates/${objName}`);
      lines.push(`${ref} condition met`);
    }
    return out(lines.join('\n'));
  }
  if (verb === 'create' && what === 'secret' && name === 'tls') {
    // kubectl renders it client-side only: nothing reaches the cluster.
    if (!args.includes('--dry-run=client') || opt(args, '-o') !== 'yaml')
      fail('fake kubectl: create secret tls only with --dry-run=client -o yaml');
    const data = {
      'tls.crt': readFileSync(need(opt(args, '--cert'), '--cert')).toString('base64'),
      'tls.key': readFileSync(need(opt(args, '--key'), '--key')).toString('base64'),
    };
    return out(
      yaml().stringify({
        apiVersion: 'v1',
        data,
        kind: 'Secret',
        metadata: { creationTimestamp: null, name: args[3], namespace: ns },
        type: 'kubernetes.io/tls',
      }),
    );
  }
  if (verb === 'get' && what === 'crd') {
    // Who owns a CRD, as helm's release annotations say: a seeded one ($state contexts.<ctx>.crds:
    // name -> "ns/release", "/" for one not from helm), else the release whose chart brings it.
    const crd = need(name, 'CRD name');
    const seeded = c.crds?.[crd];
    if (seeded !== undefined) return out(seeded);
    const group = crd.split('.').slice(1).join('.');
    const chart = group === 'gateway.networking.k8s.io' ? 'linkerd-edge/linkerd-crds' : CRD_CHART[group];
    const owner = Object.entries(c.releases).find(
      ([, r]) => r.chart === chart && (group !== 'gateway.networking.k8s.io' || r.values?.installGatewayAPI !== false),
    );
    return out(owner ? `${owner[1].namespace ?? owner[0].split('/')[0]}/${owner[1].release ?? owner[0].split('/')[1]}` : '');
  }
  if (verb === 'get' && what === 'secret') {
    const o = c.objects[key('Secret', ns, name)];
    if (args.includes('--ignore-not-found')) return out(o ? `secret/${name}` : '');
    if (!o) fail(`Error from server (NotFound): secrets "${name}" not found`);
    if (opt(args, '-o') === 'json')
      return out(
        JSON.stringify({
          ...o,
          metadata: { ...o.metadata, uid: 'fake-uid', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
        }),
      );
    const field = /index \.data "([^"]+)"/.exec(opt(args, '-o') ?? '')?.[1];
    // go-template prints the value as it is, without a newline
    return process.stdout.write(Buffer.from((field === undefined ? undefined : o.data?.[field]) ?? '', 'base64').toString('utf8'));
  }
  if (verb === 'get' && what === 'service') {
    const haproxy = Object.values(c.releases).some((r) => r.chart === 'haproxytech/kubernetes-ingress');
    return out(haproxy ? (c.loadBalancer ?? '') : '');
  }
  if (verb === 'rollout' && what === 'status') {
    const [resource = '', objName] = need(name, 'resource').split('/');
    /** @type {Record<string, 'StatefulSet' | 'Deployment'>} */
    const kinds = { statefulset: 'StatefulSet', deployment: 'Deployment' };
    const kind = kinds[resource];
    const o = kind === undefined ? undefined : c.objects[key(kind, ns, objName)];
    if (kind !== undefined && isKind(o, kind)) {
      const missing = missingImage(s, o.spec.template);
      if (missing) fail(`error: timed out waiting for the condition (${objName}: ImagePullBackOff for ${missing})`);
      return out(`${resource} "${objName}" successfully rolled out`);
    }
    if (resource !== 'statefulset' || !Object.values(c.releases).some((r) => r.values?.fullnameOverride === objName))
      fail(`Error from server (NotFound): ${resource}s.apps "${objName}" not found`);
    return out(`partitioned roll out complete: ${objName}`);
  }
  if (verb === 'get' && what === 'job') {
    const o = c.objects[key('Job', ns, name)];
    if (!isKind(o, 'Job')) fail(`Error from server (NotFound): jobs.batch "${name}" not found`);
    return out(jobFails(s, o) ? 'Failed=True' : 'Complete=True');
  }
  if (verb === 'logs') {
    const jobName = need(what, 'job').replace('job/', '');
    const o = c.objects[key('Job', ns, jobName)];
    if (!isKind(o, 'Job')) fail(`error: error from server (NotFound): jobs.batch "${jobName}" not found`);
    if (jobFails(s, o)) return out(`fake log of ${jobName}: not applied: stream answers: refused (storage: memory -> file)`);
    if (jobName.startsWith('jetstream-apply'))
      return out(
        `stream answers: created\nconsumer answers/answers-consumer: created\nstream answers on xr-js: ${context}-xr-js-nats-0 (leader ${context}-xr-js-nats-0)`,
      );
    return out(
      JSON.stringify({ requests: 400, ok: 400, errors: 0, byRegion: { [String(o.metadata.labels?.['nats-sandbox/region'])]: 400 } }),
    );
  }
  if (verb === 'rollout' && what === 'restart') {
    c.restarts.push(...args.filter((a) => a.startsWith('statefulset/')));
    return out('restarted');
  }
  if (verb === 'delete' && what === 'pods') return out('');
  if (verb === 'delete' && what === 'job') {
    delete c.objects[key('Job', ns, name)];
    return out(`job.batch "${name}" deleted`);
  }
  if (verb === 'delete' && what === 'namespace') {
    for (const n of args.slice(2).filter((a) => !a.startsWith('-'))) {
      c.namespaces = c.namespaces.filter((x) => x !== n);
      for (const k of Object.keys(c.objects)) if (k.split('/')[1] === n) delete c.objects[k];
      for (const [k, r] of Object.entries(c.releases)) if (r.namespace === n) delete c.releases[k];
      delete c.objects[key('Namespace', undefined, n)];
    }
    return out('namespaces deleted');
  }
  if (verb === 'delete' && what === 'secret') {
    const k = key('Secret', ns, name);
    if (!c.objects[k] && !args.includes('--ignore-not-found')) fail(`Error from server (NotFound): secrets "${name}" not found`);
    delete c.objects[k];
    return out(`secret "${name}" deleted`);
  }
  if (verb === 'delete') {
    for (const ref of args.slice(1).filter((a) => a.includes('/'))) {
      const [resource = '', objName] = ref.split('/');
      /** @type {Record<string, string>} */
      const kinds = { 'bundles.trust.cert-manager.io': 'Bundle', 'clusterissuers.cert-manager.io': 'ClusterIssuer' };
      const kind = kinds[resource];
      if (!kind) fail(`fake kubectl: unsupported delete ${ref}`);
      delete c.objects[key(kind, undefined, objName)];
    }
    return out('deleted');
  }
  fail(`fake kubectl: unsupported: ${args.join(' ')}`);
}

// --- helm -----------------------------------------------------------------------------------------
/** @param {FakeState} s */
function helm(s) {
  if (args[0] === 'repo' && args[1] === 'add') {
    const repo = need(args[2], 'repo name');
    s.repos[repo] = need(args[3], 'repo URL');
    return out(`"${repo}" has been added to your repositories`);
  }
  const c = cluster(s);
  const ns = opt(args, '--namespace') ?? 'default';
  if (args[0] === 'upgrade' && args[1] === '--install') {
    const [release, chart] = [need(args[2], 'release'), need(args[3], 'chart')];
    const [repo = ''] = chart.split('/');
    if (!s.repos[repo]) fail(`Error: repo ${repo} not found`);
    const version = opt(args, '--version');
    if (!version) fail('fake helm: every chart must be pinned with --version');
    /** @type {Record<string, unknown>} */
    const values = yaml().parse(readFileSync(need(opt(args, '--values'), '--values'), 'utf8')) ?? {};
    if (!c.namespaces.includes(ns)) {
      if (!args.includes('--create-namespace')) fail(`Error: create: failed to create: namespaces "${ns}" not found`);
      c.namespaces.push(ns);
    }
    const k = `${ns}/${release}`;
    const revision = (c.releases[k]?.revision ?? 0) + 1;
    c.releases[k] = { release, chart, version, namespace: ns, values, revision };
    return out(`Release "${release}" has been ${revision === 1 ? 'installed' : 'upgraded'}. Happy Helming!`);
  }
  if (args[0] === 'uninstall') {
    const k = `${ns}/${args[1]}`;
    if (!c.releases[k] && !args.includes('--ignore-not-found'))
      fail(`Error: uninstall: Release not loaded: ${args[1]}: release: not found`);
    delete c.releases[k];
    return out(`release "${args[1]}" uninstalled`);
  }
  fail(`fake helm: unsupported: ${args.join(' ')}`);
}

// --- linkerd --------------------------------------------------------------------------------------
/** @param {FakeState} s */
function linkerd(s) {
  // The CLI's own release ($FAKE_LINKERD_VERSION, else the pinned edge-26.8.3).
  if (args[0] === 'version') return out(process.env.FAKE_LINKERD_VERSION ?? 'edge-26.8.3');
  const c = cluster(s);
  if (args[0] === 'multicluster' && args[1] === 'link-gen') {
    if (!hasChart(c, 'linkerd-edge/linkerd-multicluster')) fail('error: the multicluster extension is not installed');
    const name = opt(args, '--cluster-name');
    return out(
      yaml().stringify({
        apiVersion: 'multicluster.linkerd.io/v1alpha3',
        kind: 'Link',
        metadata: { name, namespace: 'linkerd-multicluster' },
        spec: { targetClusterName: name, apiServer: opt(args, '--api-server-address') ?? null },
      }),
    );
  }
  fail(`fake linkerd: unsupported: ${args.join(' ')}`);
}

const handlers = { docker, k3d, kubectl, helm, linkerd };
/**
 * @param {string | undefined} t
 * @returns {t is keyof typeof handlers}
 */
const isTool = (t) => t !== undefined && t in handlers;
if (!isTool(tool)) fail(`fake toolchain: unknown tool ${tool}`, 2);
lock();
const state = load();
handlers[tool](state);
save(state);
rmSync(lockDir, { recursive: true, force: true });
