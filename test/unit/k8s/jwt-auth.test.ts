// Operator mode (--auth jwt) on Kubernetes, as a specification: what the nats chart values, the
// rendered workloads and the creds Secrets are, and that they pass the same checks as mTLS.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureJwtAuth, type JwtAuth, jwtPaths } from '../../../core/jwt-store.js';
import { CREDS_KEY, credsSecret, credsSecretName, RESOLVER_DIR } from '../../../k8s/jwt-auth.js';
import { chartServerConfig, resolverMount } from '../../../k8s/nats-chart.js';
import type { K8sObject } from '../../../k8s/objects.js';
import { type ClusterPlan, planManifests } from '../../../k8s/plan.js';
import { renderPlan } from '../../../k8s/render.js';
import { validateObjects } from '../../../k8s/validate.js';
import { testPlans } from '../../support/kube-plan.js';

type Values = Record<string, any>;

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}

/** Every pod spec of a plan's manifests, by `kind/name`. */
function podSpecs(plan: ClusterPlan): Map<string, PodSpec> {
  const out = new Map<string, PodSpec>();
  for (const o of planManifests(plan).flatMap((m) => m.objects)) {
    const spec = (o.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
    if (spec) out.set(`${o.kind}/${o.metadata.name}`, spec);
  }
  return out;
}

/** The creds Secret a client pod mounts and the file NATS_CREDS names, if any. */
function credsOf(spec: PodSpec): { secret?: string; file?: string } {
  const c = spec.containers[0]!;
  const env = c.env?.find((e) => e.name === 'NATS_CREDS')?.value;
  const mount = c.volumeMounts?.find((m) => env?.startsWith(`${m.mountPath}/`));
  const secret = spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
  return { ...(secret ? { secret } : {}), ...(env ? { file: env } : {}) };
}

describe('operator mode on Kubernetes', () => {
  let dir: string;
  let auth: JwtAuth;
  let plans: ClusterPlan[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-jwt-'));
    // The real key store, writing to a folder of its own: what install makes on first use.
    auth = await ensureJwtAuth(dir, true);
    plans = testPlans('k3d', { jwt: auth.server });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("puts the full resolver on the chart's config.resolver, with the chart's volume at its directory", () => {
    for (const plan of plans)
      for (const r of plan.supercluster.nats) {
        const v = r.values as Values;
        assert.deepEqual(
          v.config.resolver,
          { enabled: true, dir: RESOLVER_DIR, pvc: { enabled: true, size: '1Gi' }, merge: { type: 'full' } },
          r.release,
        );
        assert.equal(v.config.merge.resolver, undefined, `${r.release}: not a second resolver block through merge`);
        assert.deepEqual(resolverMount(v, r.release), { dir: RESOLVER_DIR, pvc: `${v.fullnameOverride}-resolver`, size: '1Gi' });
      }
  });

  it('gives the resolver volume NATS_STORAGE_CLASS like the JetStream volume', () => {
    const [plan] = testPlans('k3d', { jwt: auth.server, env: { NATS_STORAGE_CLASS: 'fast' } });
    const js = plan!.supercluster.nats.find((r) => r.release === 'c1-js')!.values as Values;
    assert.equal(js.config.resolver.pvc.storageClassName, 'fast');
    assert.equal(js.config.jetstream.fileStore.pvc.storageClassName, 'fast');
  });

  it('trusts the operator of the key store: its JWT, the system account by key, both accounts preloaded', () => {
    for (const r of plans[0]!.supercluster.nats) {
      const merge = (r.values as Values).config.merge;
      assert.equal(merge.operator, auth.server.operatorJwt);
      assert.equal(merge.system_account, auth.accounts.SYS);
      assert.deepEqual(merge.resolver_preload, auth.server.preload);
      assert.deepEqual(Object.keys(merge.resolver_preload).sort(), [auth.accounts.SYS, auth.accounts.APP].sort());
      assert.equal(merge.accounts, undefined, `${r.release}: no accounts block: accounts come from the resolver`);
    }
  });

  it('keeps TLS on every port; clients prove who they are with creds, not a mapped certificate', () => {
    const r = plans[0]!.supercluster.nats.find((x) => x.release === 'c1-gw')!;
    const secrets = {
      'nats-credentials': {
        NATS_GATEWAY_PASSWORD: '"g"',
        NATS_ROUTE_PASSWORD: '"r"',
        'routes.c1-gw': '[]',
      },
      'nats-server-tls': { 'ca.crt': 'x', 'tls.crt': 'x', 'tls.key': 'x' },
    };
    const pod = chartServerConfig(r.values, r.release, 0, secrets) as Values;
    assert.deepEqual(pod.tls, {
      cert_file: '/etc/nats-certs/nats/tls.crt',
      key_file: '/etc/nats-certs/nats/tls.key',
      ca_file: '/etc/nats-certs/nats/ca.crt',
      timeout: 5,
    });
    assert.equal(pod.cluster.tls.verify, true);
    assert.equal(pod.gateway.tls.verify, true);
    assert.deepEqual(pod.resolver, { dir: RESOLVER_DIR, type: 'full' });
  });

  it('mounts a creds file from a Secret into every client: math services, recorder, requester, stage 07 Job', () => {
    const c1 = podSpecs(plans[0]!);
    const want: Record<string, string> = {
      'Deployment/adder': 'math',
      'Deployment/subtractor': 'math',
      'Deployment/multiplier': 'math',
      'Deployment/divider': 'math',
      'Deployment/recorder': 'recorder',
      'Job/requester': 'requester',
      'Job/jetstream-apply': 'admin',
    };
    for (const [workload, identity] of Object.entries(want)) {
      assert.deepEqual(
        credsOf(c1.get(workload)!),
        { secret: credsSecretName(identity as never), file: `/etc/nats-creds/${CREDS_KEY}` },
        workload,
      );
      // The client certificate stays: it brings the CA the servers are checked with.
      assert.ok(
        c1.get(workload)!.containers[0]!.env!.some((e) => e.name === 'NATS_TLS_DIR'),
        workload,
      );
    }
    // MySQL is no NATS client.
    assert.deepEqual(credsOf(c1.get('StatefulSet/mysql')!), {});
  });

  it("gives nats-box's contexts their creds through the chart's natsBox.contexts.<name>.creds", () => {
    const seed = plans[0]!.supercluster.nats.find((r) => r.release === 'c1')!.values as Values;
    assert.deepEqual(seed.natsBox.contexts.admin.creds, { secretName: 'nats-creds-admin', key: 'nats.creds' });
    assert.deepEqual(seed.natsBox.contexts.sys.creds, { secretName: 'nats-creds-sys', key: 'nats.creds' });
  });

  it('leaves the mTLS plan as it was: no resolver, no creds', () => {
    const [mtls] = testPlans('k3d');
    for (const r of mtls!.supercluster.nats) assert.equal((r.values as Values).config.resolver, undefined);
    for (const [workload, spec] of podSpecs(mtls!)) assert.deepEqual(credsOf(spec), {}, workload);
    assert.equal((mtls!.supercluster.nats[0]!.values as Values).natsBox.contexts.admin.creds, undefined);
  });

  it('passes the strict checks: every rendered object and the creds Secrets install makes', () => {
    for (const plan of [...plans, ...testPlans('kube', { jwt: auth.server, contexts: { c2: 'my-eks' } })])
      assert.deepEqual(validateObjects(planManifests(plan).flatMap((m) => m.objects)), [], plan.target.name);
    const made: K8sObject[] = ['admin', 'sys'].map((id) => credsSecret(id as never, 'nats', 'creds'));
    assert.deepEqual(validateObjects(made), []);
  });

  it('renders no seed: the folder holds signed JWTs only, and no creds file', () => {
    const files = [...renderPlan(plans).values()].join('\n');
    assert.ok(files.includes(auth.server.operatorJwt));
    // nkeys seeds start with S and the key type (O operator, A account, U user).
    const SEED = /\bS[OAU][A-Z2-7]{40,}/;
    assert.match(readFileSync(jwtPaths(dir).operatorSeed, 'utf8'), SEED, 'the pattern finds a real seed');
    assert.doesNotMatch(files, SEED);
    assert.doesNotMatch(files, /BEGIN NATS USER JWT|BEGIN USER NKEY SEED/);
  });

  it("makes each creds Secret from the key store's file, as data under nats.creds", () => {
    const creds = readFileSync(jwtPaths(dir).creds('recorder'), 'utf8');
    const secret = credsSecret('recorder', 'math', creds) as K8sObject & { data: Record<string, string>; type: string };
    assert.equal(secret.metadata.name, 'nats-creds-recorder');
    assert.equal(secret.metadata.namespace, 'math');
    assert.equal(secret.type, 'Opaque');
    assert.deepEqual(Object.keys(secret.data), [CREDS_KEY]);
    assert.equal(Buffer.from(secret.data[CREDS_KEY]!, 'base64').toString(), creds);
    assert.match(creds, /BEGIN NATS USER JWT[\s\S]*BEGIN USER NKEY SEED/);
  });
});
