// The Kubernetes path against a recording fake of docker, k3d, kubectl, helm and linkerd (first on
// PATH, with state): the exact commands of every stage for every cluster, a second install that
// makes nothing new and changes nothing, a failure reported with its cluster's name, delete undoing
// install, the kube provider's contexts and LoadBalancer addresses, tool checks and the dry run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jwtPaths } from '../../core/jwt-store.js';
import { SERVICES_IMAGE_COMMAND } from '../../services/build.js';
import { type Call, cli, emptyCluster, FAKE_BIN, type Fake, line, makeFake, stopCli } from '../support/fake-toolchain/harness.js';
import { ROOT, runScript } from '../support/helpers.js';
import { PRIVATE_KEY_LABEL } from '../support/secret-scan.js';

const SMALL = ['--replicas', 'seed=1,js=1,gw=1,xr=1'];
const NAMES = ['c1', 'c2'];

/** The calls for one context, and the ones without a context (sorted: clusters run in parallel). */
function split(calls: Call[], fake: Fake) {
  const byContext: Record<string, string[]> = {};
  const global: string[] = [];
  for (const c of calls) {
    if (c.context) (byContext[c.context] ??= []).push(line(c, fake));
    else global.push(line(c, fake));
  }
  return { byContext, global: global.sort() };
}

const helm = (c: string, release: string, chart: string, version: string, ns: string, wait = true) =>
  `helm upgrade --install ${release} ${chart} --version ${version} --namespace ${ns} --create-namespace --values $SANDBOX/k8s/k3d/${c}/values/${release}.yaml${wait ? ' --wait --timeout 10m' : ''}`;
const apply = (c: string, file: string) => `kubectl apply -f $SANDBOX/k8s/k3d/${c}/manifests/${file}`;
const STDIN = 'kubectl apply -f -';
const NATS_CERTIFICATES = ['nats-server-tls', ...['sys', 'admin', 'math', 'requester', 'recorder'].map((id) => `nats-client-${id}`)]
  .map((n) => `certificate/${n}`)
  .join(' ');

const SERVICES = ['adder', 'subtractor', 'multiplier', 'divider'];
const JOB_STATE = 'kubectl get job %s -o jsonpath={range .status.conditions[*]}{.type}={.status}{"\\n"}{end}';
const jobState = (name: string, ns: string) => JOB_STATE.replace('%s', `${name} --namespace ${ns}`);
/** Stage 07's Job is named per run. */
const RUN = /jetstream-apply-(?!job\.yaml)[a-z0-9]+/g;

/** What each stage runs in cluster `c` (besides the reads of the convergence check). */
function expectedFor(c: string) {
  const recorder = c === NAMES[0];
  return {
    '01-clusters': ['kubectl wait nodes --all --for=condition=Ready --timeout=3s'],
    '02-certs': [
      helm(c, 'cert-manager', 'jetstack/cert-manager', 'v1.17.4', 'cert-manager'),
      helm(c, 'trust-manager', 'jetstack/trust-manager', 'v0.18.0', 'cert-manager'),
      apply(c, 'nats-namespace.yaml'),
      'kubectl create secret tls nats-sandbox-ca --namespace nats --cert $SANDBOX/pki/ca/ca.crt --key $SANDBOX/pki/ca/ca.key --dry-run=client -o yaml',
      STDIN,
      apply(c, 'nats-pki.yaml'),
      `kubectl wait ${NATS_CERTIFICATES} --namespace nats --for=condition=Ready --timeout=3s`,
    ],
    '03-linkerd': [
      apply(c, 'linkerd-namespace.yaml'),
      // The one trust anchor of every cluster, from this machine, through stdin.
      'kubectl create secret tls linkerd-trust-anchor --namespace cert-manager --cert $SANDBOX/pki/linkerd-anchor/ca.crt --key $SANDBOX/pki/linkerd-anchor/ca.key --dry-run=client -o yaml',
      STDIN,
      apply(c, 'linkerd-issuers.yaml'),
      apply(c, 'linkerd-identity-issuer.yaml'),
      'kubectl wait certificate/linkerd-identity-issuer --namespace linkerd --for=condition=Ready --timeout=3s',
      apply(c, 'linkerd-trust-bundle.yaml'),
      'kubectl wait configmap/linkerd-identity-trust-roots --namespace linkerd --for=create --timeout=3s',
      helm(c, 'linkerd-crds', 'linkerd-edge/linkerd-crds', '2026.8.3', 'linkerd'),
      helm(c, 'linkerd-control-plane', 'linkerd-edge/linkerd-control-plane', '2026.8.3', 'linkerd'),
      helm(c, 'linkerd-multicluster', 'linkerd-edge/linkerd-multicluster', '2026.8.3', 'linkerd-multicluster'),
      `linkerd multicluster link-gen --cluster-name ${c} --api-server-address https://k3d-${c}-server-0:6443 --gateway-addresses k3d-${c}-server-0`,
      STDIN,
    ],
    '04-observability': [
      apply(c, 'prometheus-namespace.yaml'),
      'kubectl get secret grafana-admin --namespace prometheus --ignore-not-found -o name',
      STDIN,
      helm(c, 'prometheus', 'prometheus-community/kube-prometheus-stack', '88.5.3', 'prometheus'),
      apply(c, 'nats-dashboards.yaml'),
      helm(c, 'linkerd-viz', 'linkerd-edge/linkerd-viz', '2026.8.3', 'linkerd-viz'),
      apply(c, 'linkerd-monitors.yaml'),
    ],
    '05-ingress': [
      apply(c, 'haproxy-namespace.yaml'),
      helm(c, 'haproxy-ingress', 'haproxytech/kubernetes-ingress', '1.52.1', 'haproxy-ingress'),
    ],
    '06-supercluster': [
      apply(c, 'nats-namespace.yaml'),
      STDIN,
      ...[c, `${c}-js`, `${c}-gw`, 'xr-js'].map((r) => helm(c, r, 'nats/nats', '2.14.2', 'nats', false)),
      apply(c, 'nats-haproxy-tcp.yaml'),
      apply(c, 'nats-xr-js-service.yaml'),
      ...[c, `${c}-js`, `${c}-gw`, 'xr-js'].map((r) => `kubectl rollout status statefulset/${r}-nats --namespace nats --timeout=3s`),
    ],
    '07-jetstream': recorder
      ? [
          apply(c, 'jetstream-apply-job.yaml'),
          jobState('jetstream-apply-RUN', 'nats'),
          'kubectl logs job/jetstream-apply-RUN --namespace nats --tail=200',
        ]
      : [],
    '08-services': [
      apply(c, 'services-namespace.yaml'),
      // The client certificates are issued in math from the same CA (not copied from nats): renewed there.
      'kubectl create secret tls nats-sandbox-ca --namespace math --cert $SANDBOX/pki/ca/ca.crt --key $SANDBOX/pki/ca/ca.key --dry-run=client -o yaml',
      STDIN,
      apply(c, 'services-pki.yaml'),
      `kubectl wait ${['math', 'requester', ...(recorder ? ['recorder'] : [])].map((id) => `certificate/nats-client-${id}`).join(' ')} --namespace math --for=condition=Ready --timeout=3s`,
      ...(recorder ? [STDIN] : []),
      apply(c, 'services.yaml'),
      ...SERVICES.map((d) => `kubectl rollout status deployment/${d} --namespace math --timeout=3s`),
      ...(recorder
        ? [
            'kubectl rollout status statefulset/mysql --namespace math --timeout=3s',
            'kubectl rollout status deployment/recorder --namespace math --timeout=3s',
          ]
        : []),
      apply(c, 'requester-job.yaml'),
      jobState('requester', 'math'),
      'kubectl logs job/requester --namespace math --tail=200',
    ],
  } as const;
}

/** The image stage 07 builds, from the log line that names it. */
const imageIn = (stdout: string) => /nats-sandbox-services:src-[0-9a-f]{12}/.exec(stdout)?.[0] ?? '(no image named)';

const GLOBAL = {
  '01-clusters': [
    'docker info --format {{.ServerVersion}}',
    'docker network create nats-sandbox',
    'docker network ls --filter name=^nats-sandbox$ --format {{.Name}}',
    // Made without touching the kubeconfig, each with its own host ports, then merged one at a time.
    'k3d cluster create c1 --config $ROOT/cluster/k3d-cluster.yaml --kubeconfig-update-default=false --port 24222:4222@loadbalancer --port 28080:80@loadbalancer',
    'k3d cluster create c2 --config $ROOT/cluster/k3d-cluster.yaml --kubeconfig-update-default=false --port 24223:4222@loadbalancer --port 28081:80@loadbalancer',
    'k3d cluster list -o json',
    'k3d kubeconfig merge c1 --kubeconfig-merge-default --kubeconfig-switch-context=false',
    'k3d kubeconfig merge c2 --kubeconfig-merge-default --kubeconfig-switch-context=false',
  ],
  '02-certs': ['helm repo add jetstack https://charts.jetstack.io --force-update'],
  '03-linkerd': ['helm repo add linkerd-edge https://helm.linkerd.io/edge --force-update', 'linkerd version --client --short'],
  '04-observability': [
    'helm repo add linkerd-edge https://helm.linkerd.io/edge --force-update',
    'helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update',
  ],
  '05-ingress': ['helm repo add haproxytech https://haproxytech.github.io/helm-charts --force-update'],
  '06-supercluster': ['helm repo add nats https://nats-io.github.io/k8s/helm/charts/ --force-update'],
  // The image: built once (stage 08 finds it), imported into every cluster by each stage.
  '07-jetstream': [
    'docker build -f $ROOT/services/Dockerfile -t IMAGE $ROOT',
    'docker image ls --quiet IMAGE',
    'k3d image import IMAGE -c c1',
    'k3d image import IMAGE -c c2',
  ],
  '08-services': ['docker image ls --quiet IMAGE', 'k3d image import IMAGE -c c1', 'k3d image import IMAGE -c c2'],
} as const;

const DESTRUCTIVE =
  /^(k3d cluster (create|delete)|docker network (create|rm)|kubectl (delete|replace|rollout restart)|helm uninstall)|--force(?!-update)/;

describe('k3d provider against the fake toolchain', () => {
  const fake = makeFake();
  after(() => fake.cleanup());

  it('runs exactly the planned commands, stage by stage, for each cluster', async () => {
    let image = '';
    for (const stage of Object.keys(GLOBAL) as (keyof typeof GLOBAL)[]) {
      fake.mark();
      const r = await cli(stage, [...NAMES, '--provider', 'k3d', ...SMALL], fake.env);
      assert.equal(r.code, 0, `${stage}: ${r.stderr}`);
      if (stage === '07-jetstream') image = imageIn(r.stdout);
      const { byContext, global } = split(fake.since(), fake);
      assert.deepEqual(
        global.map((l) => (image ? l.split(image).join('IMAGE') : l)),
        GLOBAL[stage],
        `${stage}: commands without a context`,
      );
      for (const c of NAMES) {
        const got = (byContext[`k3d-${c}`] ?? []).map((l) => l.replace(RUN, 'jetstream-apply-RUN'));
        const want = expectedFor(c)[stage];
        assert.deepEqual(got.slice(0, want.length), want, `${stage} in ${c}`);
        const rest = got.slice(want.length);
        if (stage === '06-supercluster') {
          assert.ok(
            rest.length >= 14 && rest.every((l) => l.startsWith('kubectl get --raw /api/v1/namespaces/nats/pods/')),
            `${stage} in ${c} ends with the convergence check`,
          );
          assert.match(r.stdout, /converged in .*OK: 8 servers in 3 NATS clusters/);
        } else if (stage === '07-jetstream') {
          assert.deepEqual(rest, [], `${stage} in ${c}: nothing else`);
          assert.match(r.stdout, /\[c1\]\s+stream answers: created/, "the Job's log is printed under its cluster");
        } else if (stage === '08-services') {
          assert.deepEqual(rest, [], `${stage} in ${c}: nothing else`);
          assert.match(
            r.stdout,
            new RegExp(`\\[${c}\\]\\s+\\{"requests":400,"ok":400,"errors":0,"byRegion":\\{"${c}":400\\}`),
            "the requester's summary",
          );
        } else {
          assert.deepEqual(rest, [], `${stage} in ${c}: nothing else`);
        }
      }
    }
  });

  it('left the clusters in the state the stages describe', () => {
    const s = fake.state();
    assert.deepEqual(Object.keys(s.k3d).sort(), NAMES);
    assert.deepEqual(s.networks, ['nats-sandbox']);
    const c1 = s.contexts['k3d-c1']!;
    // one linkerd trust anchor, the same in every cluster, and the bundle trusts it
    const anchor = (c: string) => s.contexts[`k3d-${c}`]!.objects['Secret/cert-manager/linkerd-trust-anchor']!.data!['tls.crt'];
    assert.equal(Buffer.from(anchor('c1')!, 'base64').toString(), readFileSync(join(fake.sandboxDir, 'pki/linkerd-anchor/ca.crt'), 'utf8'));
    assert.equal(anchor('c2'), anchor('c1'));
    const bundle = c1.objects['Bundle//linkerd-identity-trust-roots']!.spec as { sources: { secret: { name: string } }[] };
    assert.deepEqual(
      bundle.sources.map((x) => x.secret.name),
      ['linkerd-trust-anchor'],
    );
    assert.ok(c1.objects['Link/linkerd-multicluster/c2'], 'c1 has the link to c2');
    assert.equal(Object.values(c1.releases).filter((r) => r.chart === 'nats/nats').length, 4);
    // the NATS Secret holds the credentials; no values file or manifest does
    const secret = c1.objects['Secret/nats/nats-credentials']!;
    const routes = Buffer.from(secret.data!['routes.xr-js']!, 'base64').toString();
    assert.match(routes, /xr-js-nats-0\.xr-js-nats-headless-c2:6222/);
    const credentials = JSON.parse(readFileSync(join(fake.sandboxDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    const values = readFileSync(join(fake.sandboxDir, 'k8s/k3d/c1/values/xr-js.yaml'), 'utf8');
    for (const pw of Object.values(credentials)) assert.ok(!values.includes(pw), 'no credential in a values file');
  });

  it('gave every cluster the one sandbox CA, and the NATS servers mTLS from the certificates issued from it', () => {
    const s = fake.state();
    const caCert = readFileSync(join(fake.sandboxDir, 'pki/ca/ca.crt'), 'utf8');
    const caKey = readFileSync(join(fake.sandboxDir, 'pki/ca/ca.key'), 'utf8');
    assert.ok(caKey.includes(PRIVATE_KEY_LABEL));
    const decode = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString();
    for (const c of NAMES) {
      const objects = s.contexts[`k3d-${c}`]!.objects;
      const ca = objects['Secret/nats/nats-sandbox-ca']!;
      assert.equal(decode(ca.data!['tls.crt']), caCert, `${c}: the same CA everywhere`);
      assert.equal(decode(ca.data!['tls.key']), caKey);
      assert.equal((objects['Issuer/nats/nats-sandbox-ca']!.spec as { ca: { secretName: string } }).ca.secretName, 'nats-sandbox-ca');
      assert.equal(decode(objects['Secret/nats/nats-server-tls']!.data!['ca.crt']), caCert, `${c}: the server certificate chains to it`);
      assert.ok(objects['Secret/nats/nats-client-admin'], `${c}: client certificates issued`);
      const server = objects['Certificate/nats/nats-server-tls']!.spec as { dnsNames: string[] };
      assert.ok(server.dnsNames.includes(`k3d-${c}-agent-0`));
      const seed = s.contexts[`k3d-${c}`]!.releases[`nats/${c}`]!.values as {
        config: { nats: { tls: { secretName: string; merge: Record<string, unknown> } } };
      };
      assert.equal(seed.config.nats.tls.secretName, 'nats-server-tls');
      assert.equal(seed.config.nats.tls.merge.verify_and_map, true);
    }
    // The key stays in its 0600 file: in no file the stages wrote, no command line.
    assert.equal(statSync(join(fake.sandboxDir, 'pki/ca/ca.key')).mode & 0o777, 0o600);
    const written = readdirSync(join(fake.sandboxDir, 'k8s'), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && readFileSync(join(e.parentPath, e.name), 'utf8').includes(PRIVATE_KEY_LABEL),
    );
    assert.deepEqual(
      written.map((e) => e.name),
      [],
    );
    assert.ok(!fake.calls().some((c) => c.args.join(' ').includes(PRIVATE_KEY_LABEL)));
  });

  it('makes no cluster and changes nothing on a second install', async () => {
    const changed = (ctx: string) => fake.state().contexts[ctx]!.changes.length;
    const before = { c1: changed('k3d-c1'), c2: changed('k3d-c2') };
    assert.ok(before.c1 > 0);
    fake.mark();
    const r = await cli('install', [...NAMES, '--provider', 'k3d', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = fake.since().map((c) => line(c, fake));
    assert.deepEqual(
      lines.filter((l) => DESTRUCTIVE.test(l)),
      [],
    );
    assert.ok(lines.filter((l) => l.startsWith('helm upgrade --install')).length >= 24, 'releases are upgraded in place');
    assert.match(r.stdout, /linkerd trust anchor: kept/, 'the linkerd trust anchor is made once');
    assert.doesNotMatch(r.stdout, /stdin: Secret prometheus\/grafana-admin/, 'the Grafana password is made once');
    // Every object applied again was unchanged: nothing was created or configured but stage 07's
    // Job of this run (the JetStream apply runs again, and reports every item unchanged).
    const made = fake.state().contexts['k3d-c1']!.changes.slice(before.c1);
    assert.equal(made.length, 1, made.join(', '));
    assert.match(made[0]!, /^Job\/nats\/jetstream-apply-[a-z0-9]+ created$/);
    assert.equal(changed('k3d-c2'), before.c2);
    const images = lines.filter((l) => /^(docker build|k3d image import)/.test(l));
    // The image exists unchanged: no build; stages 07 and 08 of one install import it once per cluster.
    assert.deepEqual(images.map((l) => l.replace(/ nats-sandbox-services:src-[0-9a-f]{12} /, ' IMAGE ')).sort(), [
      'k3d image import IMAGE -c c1',
      'k3d image import IMAGE -c c2',
    ]);
    const s = fake.state();
    assert.deepEqual(s.contexts['k3d-c1']!.restarts, [], 'no server restarted');
    const bundle = s.contexts['k3d-c1']!.objects['Bundle//linkerd-identity-trust-roots']!.spec as { sources: unknown[] };
    assert.equal(bundle.sources.length, 1, 'no duplicate bundle sources');
  });

  it("reports the supercluster as it is: status through the pods' monitoring endpoints", async () => {
    // no names, no --replicas: the clusters and replicas install made
    const ok = await cli('status', ['--provider', 'k3d', '--json'], fake.env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).ok, true);
    const down = await cli('status', ['--provider', 'k3d', '--json'], { ...fake.env, FAKE_NATS_DOWN: '["k3d-c2/c2-js-nats-0"]' });
    assert.equal(down.code, 1);
    assert.ok((JSON.parse(down.stdout).problems as string[]).some((p) => p.includes('c2-js-nats-0')));
    // Every copy of a replicated stream against its leader, from each JetStream pod's JSZ.
    assert.equal(JSON.parse(ok.stdout).copyDisagreements.length, 0);
    assert.equal((JSON.parse(ok.stdout).streamCopies as unknown[]).length, 2, 'the copies of answers on the two xr-js servers');
    const ahead = await cli('status', ['--provider', 'k3d', '--json'], { ...fake.env, FAKE_COPY_AHEAD: 'c2-xr-js-nats-0' });
    assert.equal(ahead.code, 1);
    assert.ok(
      (JSON.parse(ahead.stdout).problems as string[]).some((p) =>
        p.startsWith('stream answers: the copy on c2-xr-js-nats-0 holds sequences its leader c1-xr-js-nats-0 does not'),
      ),
      ahead.stdout,
    );
  });

  it("ran the services with their own client certificates and MySQL's generated passwords, printed nowhere", async () => {
    const s = fake.state();
    const c1 = s.contexts['k3d-c1']!.objects;
    for (const id of ['math', 'requester', 'recorder']) {
      // Issued in math by cert-manager from the sandbox CA (not a copy of the one in nats, which would expire unrenewed).
      const issued = c1[`Certificate/math/nats-client-${id}`]!.spec as { issuerRef: { name: string } };
      assert.equal(issued.issuerRef.name, 'nats-sandbox-ca');
      assert.deepEqual(c1['Secret/math/nats-sandbox-ca']!.data, c1['Secret/nats/nats-sandbox-ca']!.data, 'the same CA');
      assert.match(Buffer.from(c1[`Secret/math/nats-client-${id}`]!.data!['tls.crt']!, 'base64').toString(), /math\/nats-client-/);
    }
    assert.equal(
      s.contexts['k3d-c2']!.objects['Secret/math/nats-client-recorder'],
      undefined,
      "the recorder's certificate only where it runs",
    );
    const adder = c1['Deployment/math/adder']!.spec as {
      template: {
        spec: { containers: { image: string; env: { name: string; value?: string }[] }[]; volumes: { secret: { secretName: string } }[] };
      };
    };
    assert.equal(adder.template.spec.volumes[0]!.secret.secretName, 'nats-client-math');
    assert.ok(adder.template.spec.containers[0]!.env.some((e) => e.name === 'NATS_TLS_DIR'));
    for (const c of NAMES)
      assert.deepEqual(s.k3d[c]!.images, [adder.template.spec.containers[0]!.image], `${c} has the image its pods run`);
    // Every container of that image runs its bundle with plain node, as the Dockerfile's ENTRYPOINT does.
    const ofImage = NAMES.flatMap((c) =>
      Object.entries(s.contexts[`k3d-${c}`]!.objects).flatMap(([key, o]) =>
        ((o.spec as any)?.template?.spec?.containers ?? [])
          .filter((x: { image: string }) => x.image === adder.template.spec.containers[0]!.image)
          .map((x: { command: string[] }) => ({ key: `k3d-${c} ${key}`, command: x.command })),
      ),
    );
    assert.ok(ofImage.some((x) => x.key.includes('Job/math/requester')) && ofImage.length >= 8, ofImage.map((x) => x.key).join(', '));
    for (const x of ofImage) assert.deepEqual(x.command, SERVICES_IMAGE_COMMAND, x.key);
    const file = join(fake.sandboxDir, 'k8s/k3d/mysql-credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const mysql = JSON.parse(readFileSync(file, 'utf8')) as { password: string; rootPassword: string };
    assert.equal(
      (c1['Secret/math/mysql-credentials'] as { stringData?: Record<string, string> }).stringData!.MYSQL_ROOT_PASSWORD,
      mysql.rootPassword,
    );
    const written = readdirSync(join(fake.sandboxDir, 'k8s'), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && e.name !== 'mysql-credentials.json',
    );
    for (const e of written)
      assert.ok(!readFileSync(join(e.parentPath, e.name), 'utf8').includes(mysql.password), `${e.name} holds the MySQL password`);
    assert.ok(!fake.calls().some((c) => c.args.join(' ').includes(mysql.password)));
  });

  it('refuses a linkerd CLI of another release than the pinned charts before making links (link-gen must match)', async () => {
    fake.mark();
    const r = await cli('03-linkerd', [...NAMES, '--provider', 'k3d', ...SMALL], { ...fake.env, FAKE_LINKERD_VERSION: 'edge-25.1.1' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the linkerd CLI is edge-25\.1\.1, but LINKERD_CHART_VERSION=2026\.8\.3 needs edge-26\.8\.3/);
    assert.deepEqual(
      fake.since().map((c) => line(c, fake)),
      ['linkerd version --client --short'],
      'nothing else ran',
    );
  });

  it('names the cluster and prints the log when a Job fails', async () => {
    const js = await cli('07-jetstream', [...NAMES, '--provider', 'k3d', ...SMALL], {
      ...fake.env,
      FAKE_JOB_FAIL: '["k3d-c1/jetstream-apply"]',
    });
    assert.equal(js.code, 1);
    assert.match(js.stderr, /cluster c1: job nats\/jetstream-apply-[a-z0-9]+ failed:\n\s+.*not applied: stream answers: refused/);
    assert.match(js.stderr, /fix: look at it with: kubectl --context k3d-c1 -n nats describe job jetstream-apply-/);
    const req = await cli('08-services', [...NAMES, '--provider', 'k3d', ...SMALL], { ...fake.env, FAKE_JOB_FAIL: '["k3d-c2/requester"]' });
    assert.equal(req.code, 1);
    assert.match(req.stderr, /cluster c2: job math\/requester failed/);
    assert.doesNotMatch(req.stderr, /cluster c1/);
  });

  it('replaces a requester Job of an earlier image (a Job cannot be changed), and nothing else', async () => {
    const s = fake.state();
    const job = s.contexts['k3d-c2']!.objects['Job/math/requester']!.spec as { template: { spec: { containers: { image: string }[] } } };
    job.template.spec.containers[0]!.image = 'nats-sandbox-services:src-000000000000';
    fake.seed(s);
    fake.mark();
    const r = await cli('08-services', [...NAMES, '--provider', 'k3d', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[c2\] job requester changed: replacing its earlier run/);
    const deletes = fake
      .since()
      .filter((c) => c.args[0] === 'delete')
      .map((c) => `${c.context} ${line(c, fake)}`);
    assert.deepEqual(deletes, ['k3d-c2 kubectl delete job requester --namespace math --wait=true']);
  });

  it('fails stage 06 with the problems when the supercluster does not form', async () => {
    const r = await cli('06-supercluster', [...NAMES, '--provider', 'k3d', ...SMALL], {
      ...fake.env,
      KUBE_WAIT_SECONDS: '1',
      FAKE_NATS_DOWN: '["k3d-c1/xr-js-nats-0"]',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not converge in 1s/);
    assert.match(r.stderr, /c1-xr-js-nats-0 did not answer|1 server\(s\) did not answer: c1-xr-js-nats-0/);
  });

  it("stops and starts the sandbox's clusters with the helpers, healing pods on start", async () => {
    const stop = await runLifecycle('stop', fake);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(
      Object.values(fake.state().k3d).map((c) => c.running),
      [false, false],
    );
    fake.mark();
    const start = await runLifecycle('start', fake);
    assert.equal(start.code, 0, start.stderr);
    assert.deepEqual(
      Object.values(fake.state().k3d).map((c) => c.running),
      [true, true],
    );
    const c1 = split(fake.since(), fake).byContext['k3d-c1'];
    assert.deepEqual(c1, [
      'kubectl wait nodes --all --for=condition=Ready --timeout=3s',
      'kubectl delete pods --all-namespaces --field-selector=status.phase!=Running,status.phase!=Succeeded,status.phase!=Pending --wait=false',
    ]);
    // one cluster after the other
    const order = fake
      .since()
      .map((c) => line(c, fake))
      .filter((l) => l.startsWith('k3d cluster start') || l.startsWith('kubectl delete pods'));
    assert.equal(order.length, 4);
    assert.match(order[0]!, /^k3d cluster start c1 --wait$/);
    assert.match(order[2]!, /^k3d cluster start c2 --wait$/);
  });

  it("deletes what install made: clusters, the network, the sandbox's record of them", async () => {
    fake.mark();
    const r = await cli('delete', ['--provider', 'k3d'], fake.env);
    assert.equal(r.code, 0, r.stderr);
    const s = fake.state();
    assert.deepEqual(s.k3d, {});
    assert.deepEqual(s.contexts, {});
    assert.deepEqual(s.networks, []);
    assert.equal(existsSync(join(fake.sandboxDir, 'k8s', 'k3d', 'clusters.json')), false);
    assert.deepEqual(
      fake
        .since()
        .map((c) => line(c, fake))
        .filter((l) => l.startsWith('k3d cluster delete'))
        .sort(),
      ['k3d cluster delete c1', 'k3d cluster delete c2'],
    );
  });
});

describe('k3d provider in operator mode (--auth jwt) against the fake toolchain', () => {
  const fake = makeFake();
  after(() => fake.cleanup());
  const decode = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString();
  /** nkeys seeds: S, then the key type (operator, account, user). */
  const SEED = /\bS[OAU][A-Z2-7]{40,}/;

  it('installs with the full resolver in every release and a creds Secret for every client, seeds printed nowhere', async () => {
    const r = await cli('install', [...NAMES, '--provider', 'k3d', '--auth', 'jwt', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /operator mode: the servers trust the operator and run the full resolver/);
    assert.match(r.stdout, /converged in .*OK: 8 servers in 3 NATS clusters/);
    const s = fake.state();
    const keys = jwtPaths(fake.sandboxDir);
    const operatorJwt = readFileSync(keys.operatorJwt, 'utf8').trim();
    for (const c of NAMES) {
      const cluster = s.contexts[`k3d-${c}`]!;
      const nats = Object.values(cluster.releases).filter((x) => x.chart === 'nats/nats');
      assert.equal(nats.length, 4);
      for (const rel of nats) {
        const config = (rel.values as { config: Record<string, any> }).config;
        assert.equal(config.resolver.enabled, true, `${c} ${rel.release}`);
        assert.deepEqual(config.resolver.merge, { type: 'full' });
        assert.equal(config.merge.operator, operatorJwt, `${c} ${rel.release}: the operator of the key store`);
      }
      const want: [string, string[]][] = [
        ['nats', ['admin', 'sys']],
        ['math', ['math', 'requester', ...(c === NAMES[0] ? ['recorder'] : [])]],
      ];
      for (const [ns, ids] of want)
        for (const id of ids) {
          const secret = cluster.objects[`Secret/${ns}/nats-creds-${id}`];
          assert.ok(secret, `${c}: ${ns}/nats-creds-${id}`);
          assert.equal(decode(secret.data?.['nats.creds']), readFileSync(keys.creds(id), 'utf8'), `${c}: ${id}'s creds file`);
        }
      assert.equal(!!cluster.objects['Secret/math/nats-creds-recorder'], c === NAMES[0], "the recorder's creds only where it runs");
      const adder = cluster.objects['Deployment/math/adder']!.spec as {
        template: { spec: { containers: { env: { name: string; value?: string }[] }[]; volumes: { secret: { secretName: string } }[] } };
      };
      assert.ok(adder.template.spec.volumes.some((v) => v.secret.secretName === 'nats-creds-math'));
      assert.ok(adder.template.spec.containers[0]!.env.some((e) => e.name === 'NATS_CREDS'));
    }
    // The sandbox remembers the choice; the keys are the key store's, private.
    assert.equal((JSON.parse(readFileSync(join(fake.sandboxDir, 'k8s/k3d/clusters.json'), 'utf8')) as { auth?: string }).auth, 'jwt');
    assert.equal(statSync(keys.root).mode & 0o777, 0o700);
    assert.equal(statSync(keys.operatorSeed).mode & 0o777, 0o600);
    assert.equal(statSync(keys.creds('admin')).mode & 0o777, 0o600);
    // No seed on the output, in a command line, or in a file the stages wrote.
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, SEED);
    assert.ok(!fake.calls().some((x) => SEED.test(x.args.join(' '))));
    const written = readdirSync(join(fake.sandboxDir, 'k8s'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const e of written) assert.doesNotMatch(readFileSync(join(e.parentPath, e.name), 'utf8'), SEED, e.name);
  });

  it('keeps operator mode: a stage without --auth keeps it, --auth mtls is refused before anything runs', async () => {
    fake.mark();
    const again = await cli('08-services', [...NAMES, '--provider', 'k3d', ...SMALL], fake.env);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(
      fake.since().some((x) => x.args.join(' ') === 'apply -f -' && x.context === 'k3d-c2'),
      'the creds Secrets applied again (unchanged)',
    );
    fake.mark();
    const r = await cli('06-supercluster', [...NAMES, '--provider', 'k3d', '--auth', 'mtls', ...SMALL], fake.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /this sandbox runs --auth jwt; it cannot change to mtls/);
    assert.deepEqual(fake.since(), [], 'nothing ran');
  });

  it('refuses operator mode on an mTLS sandbox', async () => {
    const other = makeFake();
    try {
      const made = await cli('01-clusters', [...NAMES, '--provider', 'k3d', ...SMALL], other.env);
      assert.equal(made.code, 0, made.stderr);
      other.mark();
      const r = await cli('06-supercluster', [...NAMES, '--provider', 'k3d', '--auth', 'jwt', ...SMALL], other.env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /this sandbox runs --auth mtls; it cannot change to jwt/);
      assert.deepEqual(other.since(), [], 'nothing ran');
    } finally {
      other.cleanup();
    }
  });
});

describe('a failing cluster', () => {
  const fake = makeFake();
  after(() => fake.cleanup());

  it('is reported with its name, the command and a fix, while the other clusters finish', async () => {
    assert.equal((await cli('01-clusters', ['c1', 'c2', 'c3', '--provider', 'k3d'], fake.env)).code, 0);
    const failing = {
      ...fake.env,
      FAKE_FAIL: JSON.stringify([
        { context: 'k3d-c2', match: 'upgrade --install trust-manager', message: 'Error: INSTALLATION FAILED: context deadline exceeded' },
      ]),
    };
    const r = await cli('02-certs', ['c1', 'c2', 'c3', '--provider', 'k3d'], failing);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cluster c2: 'helm --kube-context k3d-c2 upgrade --install trust-manager jetstack\/trust-manager/);
    assert.match(r.stderr, /context deadline exceeded/);
    assert.match(r.stderr, /fix: see why with: kubectl --context k3d-c2 -n cert-manager get pods/);
    assert.doesNotMatch(r.stderr, /cluster c1|cluster c3/);
    const s = fake.state();
    for (const c of ['c1', 'c3']) assert.ok(s.contexts[`k3d-${c}`]!.releases['cert-manager/trust-manager'], `${c} finished`);
    assert.equal(s.contexts['k3d-c2']!.releases['cert-manager/trust-manager'], undefined);
  });
});

/** The team's own releases in the shared cluster west. */
const WEST_RELEASES = {
  'security/cert-manager': {
    release: 'cert-manager',
    chart: 'jetstack/cert-manager',
    version: 'v1.16.0',
    namespace: 'security',
    values: {},
    revision: 1,
  },
  'security/trust-manager': {
    release: 'trust-manager',
    chart: 'jetstack/trust-manager',
    version: 'v0.17.0',
    namespace: 'security',
    values: {},
    revision: 1,
  },
};

describe('kube provider against the fake toolchain', () => {
  const fake = makeFake();
  const IMAGE = 'registry.example.com/team/nats-sandbox-services:1.0';
  const args = ['east', 'west', '--provider', 'kube', '--context', 'east=east-admin', ...SMALL];
  before(() =>
    fake.seed({
      contexts: {
        'east-admin': emptyCluster({ loadBalancer: '203.0.113.10' }),
        // A shared cluster: cert-manager and trust-manager are someone else's releases, and so are the Gateway API CRDs.
        west: emptyCluster({
          loadBalancer: 'west-lb.example.com',
          namespaces: ['default', 'kube-system', 'team-a', 'security'],
          releases: WEST_RELEASES,
          crds: {
            'certificates.cert-manager.io': 'security/cert-manager',
            'bundles.trust.cert-manager.io': 'security/trust-manager',
            'httproutes.gateway.networking.k8s.io': '/',
          },
        }),
        unrelated: emptyCluster(),
      },
    }),
  );
  after(() => fake.cleanup());

  it('stops before anything when a name has no context', async () => {
    const r = await cli('install', ['east', 'north', '--provider', 'kube', '--context', 'east=east-admin'], {
      ...fake.env,
      SERVICES_IMAGE: IMAGE,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /north: no context 'north'/);
    assert.match(r.stderr, /--context <name>=<context>/);
    assert.deepEqual(
      fake
        .calls()
        .map((c) => line(c, fake))
        .sort(),
      ['kubectl config get-contexts east-admin -o name', 'kubectl config get-contexts north -o name'],
      'nothing but the look-ups ran',
    );
  });

  it('wants SERVICES_IMAGE for stages 07 and 08, before anything runs', async () => {
    fake.mark();
    for (const stage of ['07-jetstream', '08-services', 'install']) {
      const r = await cli(stage, args, fake.env);
      assert.equal(r.code, 2, stage);
      assert.match(r.stderr, /set SERVICES_IMAGE/);
      assert.match(r.stderr, /docker build -f services\/Dockerfile/);
    }
    assert.deepEqual(fake.since(), [], 'nothing ran');
    const bad = await cli('08-services', args, { ...fake.env, SERVICES_IMAGE: 'Not An Image' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /SERVICES_IMAGE must be an image reference/);
  });

  it('installs into the given contexts and joins the gateways through the LoadBalancer addresses', async () => {
    fake.mark();
    const r = await cli('install', args, { ...fake.env, SERVICES_IMAGE: IMAGE });
    assert.equal(r.code, 0, r.stderr);
    const calls = fake.since();
    assert.deepEqual(
      calls.filter((c) => c.tool === 'k3d' || c.tool === 'docker'),
      [],
      'kube makes no clusters',
    );
    assert.deepEqual([...new Set(calls.map((c) => c.context).filter(Boolean))].sort(), ['east-admin', 'west']);
    assert.ok(
      calls.some((c) => line(c, fake) === 'kubectl get --raw /readyz' && c.context === 'west'),
      'each context is checked first',
    );
    assert.ok(
      calls.some((c) => c.tool === 'linkerd' && c.args.join(' ') === 'multicluster link-gen --cluster-name east'),
      "kube links use the clusters' own addresses",
    );
    const eastGw = readFileSync(join(fake.sandboxDir, 'k8s/kube/east/values/east-gw.yaml'), 'utf8');
    assert.match(eastGw, /advertise: 203\.0\.113\.10:7222/);
    assert.match(eastGw, /nats:\/\/west-lb\.example\.com:7222/);
    const haproxy = readFileSync(join(fake.sandboxDir, 'k8s/kube/west/values/haproxy-ingress.yaml'), 'utf8');
    assert.match(haproxy, /default: false/, "the ingress class of someone's cluster stays theirs");
    assert.match(r.stdout, /converged in/);
    // The services run the image named, pulled by the clusters: nothing is built or imported here.
    const east = fake.state().contexts['east-admin']!.objects;
    const adder = east['Deployment/math/adder']!.spec as { template: { spec: { containers: { image: string }[] } } };
    assert.equal(adder.template.spec.containers[0]!.image, IMAGE);
    assert.ok(east['StatefulSet/math/mysql'], 'east is the recorder cluster (the first name)');
    assert.ok(!fake.state().contexts.west!.objects['StatefulSet/math/mysql']);
    assert.ok(
      Object.keys(east).some((k) => /^Job\/nats\/jetstream-apply-/.test(k)),
      'stage 07 ran in the first cluster',
    );
  });

  it('uses the cert-manager, trust-manager and Gateway API CRDs a shared cluster has, installing only what is missing', () => {
    const west = fake.state().contexts.west!;
    assert.deepEqual(west.releases['security/cert-manager'], WEST_RELEASES['security/cert-manager'], 'their cert-manager, untouched');
    assert.equal(west.releases['cert-manager/cert-manager'], undefined, 'no second cert-manager');
    assert.equal(west.releases['cert-manager/trust-manager'], undefined, 'no second trust-manager');
    assert.ok(fake.state().contexts['east-admin']!.releases['cert-manager/cert-manager'], 'east had none: installed there');
    const crds = readFileSync(join(fake.sandboxDir, 'k8s/kube/west/values/linkerd-crds.yaml'), 'utf8');
    assert.match(crds, /installGatewayAPI: false/, 'their Gateway API CRDs are left to them');
  });

  it("puts each LoadBalancer address into its servers' certificate, and keeps it there on a re-run of stage 02", async () => {
    const cert = (ctx: string) =>
      fake.state().contexts[ctx]!.objects['Certificate/nats/nats-server-tls']!.spec as { dnsNames: string[]; ipAddresses: string[] };
    assert.deepEqual(cert('east-admin').ipAddresses, ['127.0.0.1', '203.0.113.10']);
    assert.ok(cert('west').dnsNames.includes('west-lb.example.com'));
    const before = fake.state().contexts.west!.changes.length;
    const r = await cli('02-certs', args, fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.state().contexts.west!.changes.length, before, 'nothing changed: the certificate is not issued again');
  });

  it('deletes the releases and namespaces it made, and nothing else', async () => {
    const r = await cli('delete', ['--provider', 'kube'], fake.env);
    assert.equal(r.code, 0, r.stderr);
    const s = fake.state();
    assert.match(r.stdout, /left in place, not installed by the sandbox: .*west: cert-manager\/cert-manager/);
    for (const ctx of ['east-admin', 'west']) {
      const c = s.contexts[ctx]!;
      assert.deepEqual(c.releases, ctx === 'west' ? WEST_RELEASES : {}, ctx);
      assert.deepEqual(
        Object.keys(c.objects)
          .filter((k) => !k.startsWith('Namespace//'))
          .filter((k) => !k.includes('/team-a/')),
        [],
        `${ctx}: objects left`,
      );
    }
    assert.deepEqual(s.contexts.west!.namespaces, ['default', 'kube-system', 'team-a', 'security']);
    assert.ok(s.contexts.unrelated, 'contexts are not ours to remove');
  });
});

describe('edge sites against the fake toolchain (k3d)', () => {
  const fake = makeFake();
  after(() => fake.cleanup());
  const EDGE = [...NAMES, 'e1@c1'];
  const NATS_RELEASES = (c: string) => [c, `${c}-js`, `${c}-gw`, 'xr-js', ...(c === 'c1' ? ['e1-leaf'] : [])];

  it("installs e1@c1 as a release of the nats chart in c1, beside c1's, with the leafnode port on every region's ingress", async () => {
    for (const stage of ['01-clusters', '02-certs', '03-linkerd', '04-observability', '05-ingress']) {
      const r = await cli(stage, [...EDGE, '--provider', 'k3d', ...SMALL], fake.env);
      assert.equal(r.code, 0, `${stage}: ${r.stderr}`);
    }
    fake.mark();
    const r = await cli('06-supercluster', [...EDGE, '--provider', 'k3d', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    const { byContext } = split(fake.since(), fake);
    for (const c of NAMES) {
      const want = [
        apply(c, 'nats-namespace.yaml'),
        STDIN,
        ...NATS_RELEASES(c).map((x) => helm(c, x, 'nats/nats', '2.14.2', 'nats', false)),
        apply(c, 'nats-haproxy-tcp.yaml'),
        apply(c, 'nats-xr-js-service.yaml'),
        ...NATS_RELEASES(c).map((x) => `kubectl rollout status statefulset/${x}-nats --namespace nats --timeout=3s`),
      ];
      assert.deepEqual(byContext[`k3d-${c}`]!.slice(0, want.length), want, `06 in ${c}`);
    }
    const s = fake.state();
    for (const c of NAMES) {
      const cluster = s.contexts[`k3d-${c}`]!;
      const tcp = cluster.objects['TCP/nats/nats-leafnodes']!.spec as { service: { name: string; port: number } }[];
      assert.deepEqual(tcp[0]!.service, { name: `${c}-nats`, port: 7422 });
      const haproxy = Object.values(cluster.releases).find((x) => x.release === 'haproxy-ingress')!.values as {
        controller: { service: { tcpPorts: { port: number }[] } };
      };
      assert.deepEqual(
        haproxy.controller.service.tcpPorts.map((x) => x.port),
        [7222, 4222, 7422],
      );
    }
    const edge = s.contexts['k3d-c1']!.releases['nats/e1-leaf']!;
    assert.equal(edge.chart, 'nats/nats');
    assert.match(
      readFileSync(join(fake.sandboxDir, 'k8s/k3d/c1/values/e1-leaf.yaml'), 'utf8'),
      /- tls:\/\/k3d-c1-agent-0:7422\n\s+- tls:\/\/k3d-c2-agent-0:7422/,
    );
  });

  it('status finds the edge site without its name, on its hub, and names it when it is down', async () => {
    const ok = await cli('status', ['--provider', 'k3d', '--json'], fake.env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const json = JSON.parse(ok.stdout);
    assert.deepEqual(json.edges, [
      { name: 'e1-leaf-nats-0', answered: true, leafs: [{ server: 'c1-nats-0', account: 'APP' }], domain: 'e1' },
    ]);
    const text = await cli('status', ['--provider', 'k3d'], fake.env);
    assert.match(text.stdout, /edge e1@c1 \(domain e1\): e1-leaf-nats-0 -> c1-nats-0/);
    const down = await cli('status', ['--provider', 'k3d', '--json'], { ...fake.env, FAKE_NATS_DOWN: '["k3d-c1/e1-leaf-nats-0"]' });
    assert.equal(down.code, 1);
    assert.ok((JSON.parse(down.stdout).problems as string[]).some((p) => p.startsWith('edge site e1 is down')));
  });

  it('says which part of an edge site stages 07 and 08 do not build on Kubernetes yet', async () => {
    const r = await runScript('install', [...EDGE, '--provider', 'k3d', '--dry-run', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[c1\] would run: helm --kube-context k3d-c1 upgrade --install e1-leaf nats\/nats --version 2\.14\.2/);
    assert.match(
      r.stdout,
      /warning: the store-and-forward streams .* of the edge sites \(e1@c1\) are built on the local provider only so far/,
    );
    assert.match(
      r.stdout,
      /warning: the math services at the edge of the edge sites \(e1@c1\) are built on the local provider only so far/,
    );
  });

  it('removes an edge site no longer named: its release and its JetStream volume, from its hub only', async () => {
    fake.mark();
    const r = await cli('06-supercluster', [...NAMES, '--provider', 'k3d', ...SMALL], fake.env);
    assert.equal(r.code, 0, r.stderr);
    const { byContext } = split(fake.since(), fake);
    assert.ok(byContext['k3d-c1']!.includes('helm uninstall e1-leaf --namespace nats --ignore-not-found --wait'));
    assert.ok(byContext['k3d-c1']!.includes('kubectl delete pvc e1-leaf-nats-js-e1-leaf-nats-0 --namespace nats --ignore-not-found'));
    assert.ok(!byContext['k3d-c2']!.some((l) => l.includes('uninstall')));
    assert.equal(fake.state().contexts['k3d-c1']!.releases['nats/e1-leaf'], undefined);
    const status = await cli('status', ['--provider', 'k3d', '--json'], fake.env);
    assert.equal(JSON.parse(status.stdout).edges, undefined, 'forgotten');
  });

  it('render writes the edge release with the regions', async () => {
    const out = mkdtempSync(join(tmpdir(), 'render-edges-'));
    try {
      const r = await runScript('render', [...EDGE, '--provider', 'kube', '--out', out], fake.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /with edge site\(s\) e1@c1/);
      assert.match(readFileSync(join(out, 'c1/values/e1-leaf.yaml'), 'utf8'), /domain: e1/);
      assert.ok(existsSync(join(out, 'c2/manifests/nats-haproxy-tcp.yaml')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('entry scripts with the fake toolchain', () => {
  it('install --dry-run prints the whole plan for c1 c2 c3 and runs nothing', async () => {
    const fake = makeFake();
    try {
      const r = await runScript('install', ['c1', 'c2', 'c3', '--provider', 'k3d', '--dry-run'], fake.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fake.calls(), [], 'no tool was run');
      assert.equal(existsSync(fake.sandboxDir), false, 'nothing written');
      for (const c of ['c1', 'c2', 'c3']) {
        assert.match(r.stdout, new RegExp(`\\[${c}\\] would run: k3d cluster create ${c} --config `));
        assert.match(
          r.stdout,
          new RegExp(`\\[${c}\\] would run: helm --kube-context k3d-${c} upgrade --install xr-js nats/nats --version 2\\.14\\.2`),
        );
        assert.match(r.stdout, new RegExp(`\\[${c}\\] would run: linkerd --context k3d-${c} multicluster link-gen --cluster-name ${c}`));
      }
      assert.match(r.stdout, /assume: \[\] {2}← would read: k3d cluster list -o json/);
      assert.match(r.stdout, /would run: docker build -f \S+\/services\/Dockerfile -t nats-sandbox-services:src-[0-9a-f]{12} /);
      assert.equal((r.stdout.match(/would run: docker build/g) ?? []).length, 1, 'built once for stages 07 and 08');
      for (const c of ['c1', 'c2', 'c3']) {
        assert.match(r.stdout, new RegExp(`\\[${c}\\] would run: k3d image import nats-sandbox-services:src-[0-9a-f]{12} -c ${c}`));
        assert.match(r.stdout, new RegExp(`\\[${c}\\] would run: kubectl --context k3d-${c} apply -f \\S+/${c}/manifests/services.yaml`));
        assert.match(r.stdout, new RegExp(`\\[${c}\\] would wait for job math/requester and print its log`));
      }
      assert.match(r.stdout, /\[c1\] would run: kubectl --context k3d-c1 apply -f \S+\/c1\/manifests\/jetstream-apply-job.yaml/);
      assert.match(r.stdout, /\[c1\] would wait for job nats\/jetstream-apply-[a-z0-9]+ and print its log/);
      assert.match(r.stdout, /\[c1\] stdin: Secret math\/mysql-credentials/);
      assert.doesNotMatch(r.stdout, /skipped/);
      for (const stage of [
        '01-clusters',
        '02-certs',
        '03-linkerd',
        '04-observability',
        '05-ingress',
        '06-supercluster',
        '07-jetstream',
        '08-services',
      ])
        assert.match(r.stdout, new RegExp(`✔ ${stage}`));
    } finally {
      fake.cleanup();
    }
  });

  it('install --dry-run --auth jwt shows operator mode for c1 c2 c3: creds Secrets through stdin, no seed, nothing written', async () => {
    const fake = makeFake();
    try {
      const r = await runScript('install', ['c1', 'c2', 'c3', '--provider', 'k3d', '--dry-run', '--auth', 'jwt'], fake.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fake.calls(), [], 'no tool was run');
      assert.equal(existsSync(fake.sandboxDir), false, 'nothing written, no key made on disk');
      assert.match(r.stdout, /operator mode: the servers trust the operator and run the full resolver \(accounts SYS, APP preloaded\)/);
      for (const c of ['c1', 'c2', 'c3']) {
        assert.match(r.stdout, new RegExp(`\\[${c}\\] stdin: Secret nats/nats-creds-admin, Secret nats/nats-creds-sys`));
        const services = ['math', 'requester', ...(c === 'c1' ? ['recorder'] : [])].map((id) => `Secret math/nats-creds-${id}`).join(', ');
        assert.match(r.stdout, new RegExp(`\\[${c}\\] stdin: ${services}\n`));
      }
      assert.doesNotMatch(r.stdout, /\bS[OAU][A-Z2-7]{40,}/, 'no seed printed');
    } finally {
      fake.cleanup();
    }
  });

  it('render --auth jwt writes the operator mode values and manifests, and no seed', async () => {
    const fake = makeFake();
    const out = mkdtempSync(join(tmpdir(), 'k8s-render-jwt-'));
    try {
      const r = await runScript('render', ['c1', 'c2', 'c3', '--provider', 'k3d', '--auth', 'jwt', '--out', out], fake.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /operator mode: the values carry the operator JWT/);
      assert.match(r.stdout, /made at install time, not written: .*nats\/nats-creds-admin/);
      const values = readFileSync(join(out, 'c2/values/c2-js.yaml'), 'utf8');
      assert.match(values, /resolver:\n {4}enabled: true\n {4}dir: \/data\/resolver/);
      assert.match(values, /operator: eyJ/);
      assert.match(readFileSync(join(out, 'c1/manifests/jetstream-apply-job.yaml'), 'utf8'), /secretName: nats-creds-admin/);
      const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      for (const e of files) assert.doesNotMatch(readFileSync(join(e.parentPath, e.name), 'utf8'), /\bS[OAU][A-Z2-7]{40,}/, e.name);
      assert.doesNotMatch(r.stdout, /\bS[OAU][A-Z2-7]{40,}/);
    } finally {
      fake.cleanup();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reports every missing tool together, with how to install it, before running anything', async () => {
    const fake = makeFake();
    const bin = mkdtempSync(join(tmpdir(), 'k8s-tools-'));
    try {
      mkdirSync(join(bin, 'only'));
      symlinkSync(process.execPath, join(bin, 'only', 'node'));
      for (const t of ['docker', 'k3d', 'kubectl']) symlinkSync(join(FAKE_BIN, t), join(bin, 'only', t));
      const r = await runScript('01-clusters', ['c1', '--provider', 'k3d'], { ...fake.env, PATH: join(bin, 'only') });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /missing:\n\s+- helm: install helm: .*\n\s+- linkerd: install the linkerd CLI/);
      assert.doesNotMatch(r.stderr, /- (docker|k3d|kubectl):/);
      assert.deepEqual(fake.calls(), []);
    } finally {
      fake.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

/** scripts/k3d-start.mjs and k3d-stop.mjs, as a user runs them (no names: the sandbox's clusters). */
function runLifecycle(action: 'start' | 'stop', fake: Fake) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'zx'), [join(ROOT, 'scripts', `k3d-${action}.mjs`)], {
      cwd: ROOT,
      env: { ...process.env, ...fake.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

after(() => stopCli());
