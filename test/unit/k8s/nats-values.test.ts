// The NATS configuration the helm values express (through the chart's templates and the Secret the
// install makes) equals, modulo addresses, the one the local provider runs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import YAML from 'yaml';
import { assignPorts } from '../../../cluster/local/ports.js';
import { ensureJwtAuth } from '../../../core/jwt-store.js';
import { NATS_SERVER_VERSION } from '../../../core/settings.js';
import { chartServerConfig, tlsMounts } from '../../../k8s/nats-chart.js';
import { credentialRefs, type NatsValuesInput, natsReleaseValues, natsSecretData } from '../../../k8s/nats-values.js';
import { type Addressing, k3dIngressHost, kubernetesAddressing, localAddressing } from '../../../nats/addressing.js';
import { hubLeafnodes, leafnodeListeners } from '../../../nats/edges.js';
import type { JwtServerAuth } from '../../../nats/jwt-auth.js';
import { type Credentials, type ServerTls, serverConfig } from '../../../nats/server-config.js';
import { buildTopology, type ServerSpec, type Topology } from '../../../nats/topology.js';

const creds: Credentials = {
  sys: 'sys-pw',
  admin: 'admin-pw',
  math: 'math-pw',
  requester: '12345',
  recorder: 'true',
  gateway: { user: 'gateway', password: 'gw/pw@x' },
  route: { user: 'route', password: 'route"pw' },
};
const otherCreds: Credentials = {
  sys: 'a1',
  admin: 'a2',
  math: 'a3',
  requester: 'a4',
  recorder: 'a5',
  gateway: { user: 'gateway', password: 'a6' },
  route: { user: 'route', password: 'a7' },
};
const jsLimits = { maxMemoryBytes: 64 * 1024 ** 2, maxFileBytes: 512 * 1024 ** 2 };
const SECRET = 'nats-credentials';
const TLS_SECRET = 'nats-server-tls';
/** What cert-manager puts into the server's Secret. */
const TLS_SECRET_DATA = { 'ca.crt': 'ca pem', 'tls.crt': 'cert pem', 'tls.key': 'key pem' };
/** The local provider's server certificate files (pki/server of the sandbox). */
const LOCAL_TLS: ServerTls = {
  caFile: '/sandbox/pki/server/ca.crt',
  certFile: '/sandbox/pki/server/tls.crt',
  keyFile: '/sandbox/pki/server/tls.key',
};

type Mode = 'mtls' | 'password' | 'jwt';

/** Operator mode's server side, as the key store makes it (in memory: nothing is written). */
let JWT: JwtServerAuth;
before(async () => {
  JWT = (await ensureJwtAuth('/nonexistent/sandbox', false)).server;
});

function inputFor(topo: Topology, dc: string, credentials: Credentials, ingress = k3dIngressHost, mode: Mode = 'mtls'): NatsValuesInput {
  return {
    topo,
    datacenter: dc,
    addressing: kubernetesAddressing(dc, ingress),
    credentials,
    jsLimits,
    serverVersion: NATS_SERVER_VERSION,
    secretName: SECRET,
    opaquePorts: '4222,6222,7222,8222',
    prometheusRelease: 'prometheus',
    ...(mode !== 'password' ? { tlsSecret: TLS_SECRET } : {}),
    ...(mode === 'jwt' ? { jwt: JWT } : {}),
  };
}

const secretsFor = (input: NatsValuesInput) => ({ [SECRET]: natsSecretData(input), [TLS_SECRET]: TLS_SECRET_DATA });

/** host:port of every address an addressing hands out -> the NATS clusters behind it. */
function resolver(topo: Topology, addressing: Addressing) {
  const byHost = new Map<string, { servers: Set<string>; clusters: Set<string> }>();
  const add = (url: string, s: ServerSpec) => {
    const host = url.replace(/^[a-z]+:\/\//, '').replace(/^[^@/]*@/, '');
    const entry = byHost.get(host) ?? { servers: new Set(), clusters: new Set() };
    entry.servers.add(s.name);
    entry.clusters.add(s.cluster);
    byHost.set(host, entry);
  };
  for (const s of topo.servers) {
    add(addressing.routeUrl(s), s);
    add(addressing.gatewayUrl(s), s);
    const adv = addressing.gatewayAdvertise(s);
    if (adv) add(adv, s);
  }
  return (url: string) => {
    const host = url.replace(/^[a-z]+:\/\//, '').replace(/^[^@/]*@/, '');
    const hit = byHost.get(host);
    if (!hit) throw new Error(`${url} leads nowhere in this addressing`);
    return hit;
  };
}

function userInfo(url: string): { user: string; password: string } | undefined {
  const u = new URL(url);
  return u.username ? { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : undefined;
}

// Keys the chart adds for its own operation; they say nothing about the topology.
const CHART_ONLY = ['lame_duck_grace_period', 'lame_duck_duration', 'pid_file'];

/**
 * A server's config with addresses replaced by what they lead to: routes -> peer server names,
 * gateway URLs -> the NATS cluster reached, advertise -> the cluster it leads back to. Listen
 * ports, hosts and the store directory are addresses and go. A URL without user info is dialled
 * with the server's own gateway credentials (nats-server >= 2.2, server/gateway.go), so it is
 * normalised to them.
 */
function normalise(config: Record<string, any>, server: ServerSpec, resolve: ReturnType<typeof resolver>): Record<string, unknown> {
  const c = JSON.parse(JSON.stringify(config));
  for (const k of [...CHART_ONLY, 'host', 'port', 'http_port']) delete c[k];
  if (c.cluster) {
    const { listen: _l, port: _p, no_advertise: _n, routes, ...rest } = c.cluster;
    const peers = new Set<string>();
    for (const r of routes as string[]) {
      const creds = JSON.stringify(userInfo(r));
      for (const name of resolve(r).servers) if (name !== server.name) peers.add(`${name} as ${creds}`);
    }
    c.cluster = { ...rest, routes: [...peers].sort() };
  }
  if (c.gateway) {
    const { listen: _l, port: _p, advertise, gateways, ...rest } = c.gateway;
    const own = rest.authorization;
    c.gateway = {
      ...rest,
      advertise: advertise ? [...resolve(advertise).clusters] : [],
      gateways: (gateways as { name: string; urls: string[] }[]).map((g) => ({
        name: g.name,
        reaches: [...new Set(g.urls.map((u) => `${[...resolve(u).clusters].join('+')} as ${JSON.stringify(userInfo(u) ?? own)}`))].sort(),
      })),
    };
  }
  if (c.jetstream) delete c.jetstream.store_dir;
  // The resolver's directory is a place too (the chart's volume; a folder per server locally).
  if (c.resolver) delete c.resolver.dir;
  // Where a hub listens is an address; no_advertise the chart writes for every listener (k8s/edges.ts says why).
  if (c.leafnodes) {
    const { listen: _l, port: _p, no_advertise: _n, ...rest } = c.leafnodes;
    c.leafnodes = rest;
  }
  return filesByName(c) as Record<string, unknown>;
}

/** Certificate files are compared by name (ca.crt, tls.crt, tls.key): their folders are addresses too. */
function filesByName(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(filesByName);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, /_file$/.test(k) && typeof x === 'string' ? x.slice(x.lastIndexOf('/') + 1) : filesByName(x)]),
  );
}

type Tamper = (release: string, values: Record<string, any>) => void;

function compareAll(topo: Topology, tamper: Tamper = () => undefined, mode: Mode = 'mtls') {
  const ports = assignPorts(
    topo.servers.map((s) => s.name),
    20000,
  );
  const local = localAddressing(topo, (n) => ports[n]!);
  const localResolve = resolver(topo, local);
  const listeners = new Set(leafnodeListeners(topo).map((s) => s.name));
  let compared = 0;
  for (const dc of topo.names) {
    const input = inputFor(topo, dc, creds, k3dIngressHost, mode);
    const k8sResolve = resolver(topo, input.addressing);
    // What install writes: values files (YAML) and the Secret.
    const releases = natsReleaseValues(input).map((r) => ({ ...r, values: YAML.parse(YAML.stringify(r.values)) }));
    for (const r of releases) tamper(r.release.name, r.values);
    const secrets = secretsFor(input);
    for (const { release, values } of releases) {
      for (const name of release.servers) {
        const server = topo.servers.find((s) => s.name === name)!;
        const fromChart = chartServerConfig(values, release.name, server.index, secrets);
        const fromLocal = serverConfig({
          topo,
          server,
          addressing: local,
          credentials: creds,
          storeDir: `/tmp/${name}`,
          jsLimits,
          ...(mode !== 'password' ? { tls: LOCAL_TLS } : {}),
          ...(mode === 'jwt' ? { jwt: { auth: JWT, resolverDir: `/sandbox/local/servers/${name}/jwt` } } : {}),
          ...(listeners.has(name)
            ? { leafnodes: hubLeafnodes(`127.0.0.1:${ports[name]!.client + 1}`, LOCAL_TLS, { operatorMode: mode === 'jwt' }) }
            : {}),
        }) as Record<string, any>;
        assert.deepEqual(
          normalise(fromChart, server, k8sResolve),
          normalise(fromLocal, server, localResolve),
          `${name} (release ${release.name} in ${dc})`,
        );
        compared++;
      }
    }
  }
  return compared;
}

describe('NATS helm values', () => {
  it('express, for every pod, the config the local provider runs (three clusters, default replicas)', () => {
    const topo = buildTopology(['c1', 'c2', 'c3']);
    assert.equal(compareAll(topo), 36);
  });

  it("do so with edge sites: every region's seed servers listen for leafnodes, the supercluster is domain hub", () => {
    const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 2, js: 3, gw: 1, xr: 1 } }, [
      { name: 'e1', hub: 'c1' },
      { name: 'e2', hub: 'c3' },
    ]);
    // Only the region's releases: natsReleaseValues makes those; the edge's are k8s/edge-values.ts (edges.test.ts).
    assert.equal(compareAll(topo), 21);
    const tamper: Tamper = (r, v) => {
      if (r === 'c2') v.config.leafnodes.merge.authorization.users[0].account = 'SYS';
    };
    assert.throws(() => compareAll(topo, tamper), assert.AssertionError, 'a hub mapping the edges elsewhere is noticed');
  });

  it('do so with uneven replicas as well', () => {
    const topo = buildTopology(['eu', 'us'], { replicas: { seed: 1, js: 2, gw: 1, xr: 3 } });
    assert.equal(compareAll(topo), 14);
  });

  it('do so in password mode too (no server certificate)', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } });
    assert.equal(compareAll(topo, undefined, 'password'), 10);
  });

  it('do so in operator mode (--auth jwt): the same operator, system account, preloaded accounts and full resolver', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } });
    assert.equal(compareAll(topo, undefined, 'jwt'), 10);
  });

  it('notice in operator mode when a server would trust another operator or lose the resolver', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const tampers: Tamper[] = [
      (r, v) => {
        if (r === 'c1-gw') v.config.merge.system_account = 'ANOTHER';
      },
      (r, v) => {
        if (r === 'xr-js') v.config.resolver.merge.type = 'cache';
      },
      (r, v) => {
        if (r === 'c1-js') v.config.resolver.enabled = false;
      },
    ];
    for (const [i, t] of tampers.entries())
      assert.throws(() => compareAll(topo, t, 'jwt'), assert.AssertionError, `tamper ${i} went unnoticed`);
  });

  it('run mTLS from the mounted cert-manager Secret: verify_and_map for clients, verified TLS on routes and gateways', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const input = inputFor(topo, 'c1', creds);
    const gw = natsReleaseValues(input).find((r) => r.release.name === 'c1-gw')!;
    const v = YAML.parse(YAML.stringify(gw.values));
    assert.deepEqual(v.config.nats.tls, {
      enabled: true,
      secretName: TLS_SECRET,
      dir: '/etc/nats-certs/nats',
      merge: { ca_file: '/etc/nats-certs/nats/ca.crt', verify_and_map: true, timeout: 5 },
    });
    assert.equal(v.config.cluster.tls.secretName, undefined, 'one mount of the Secret serves every port');
    assert.deepEqual(tlsMounts(v), [{ dir: '/etc/nats-certs/nats', secretName: TLS_SECRET }]);
    const pod = chartServerConfig(v, 'c1-gw', 0, secretsFor(input)) as Record<string, any>;
    for (const block of [pod.tls, pod.cluster.tls, pod.gateway.tls]) {
      assert.deepEqual(
        [block.cert_file, block.key_file, block.ca_file],
        ['/etc/nats-certs/nats/tls.crt', '/etc/nats-certs/nats/tls.key', '/etc/nats-certs/nats/ca.crt'],
      );
    }
    assert.equal(pod.tls.verify_and_map, true);
    assert.equal(pod.cluster.tls.verify, true);
    assert.equal(pod.gateway.tls.verify, true);
    const app = pod.accounts.APP.users as { user: string; password?: string }[];
    assert.ok(
      app.every((u) => u.user.startsWith('CN=') && u.password === undefined),
      'users are certificate subjects without passwords',
    );
    // Only the route and gateway credentials are left for the Secret and the pods.
    assert.deepEqual(
      Object.keys(natsSecretData(input))
        .filter((k) => !k.startsWith('routes.'))
        .sort(),
      ['NATS_GATEWAY_PASSWORD', 'NATS_ROUTE_PASSWORD'],
    );
    assert.deepEqual(Object.keys(v.container.env).sort(), ['NATS_GATEWAY_PASSWORD', 'NATS_ROUTES', 'NATS_ROUTE_PASSWORD']);
  });

  it('notice when the TLS settings of the values differ, or name a file the pod does not have', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const differs: Tamper[] = [
      (r, v) => {
        if (r === 'c1') v.config.nats.tls.merge.verify_and_map = false;
      },
      (r, v) => {
        if (r === 'c1-js') delete v.config.cluster.tls;
      },
      (r, v) => {
        if (r === 'xr-js') delete v.config.gateway.tls.merge.verify;
      },
    ];
    for (const [i, t] of differs.entries()) assert.throws(() => compareAll(topo, t), assert.AssertionError, `tamper ${i} went unnoticed`);
    const missing: Tamper[] = [
      (r, v) => {
        if (r === 'c1') v.config.nats.tls.secretName = 'other-secret';
      },
      (r, v) => {
        if (r === 'c1-gw') v.config.gateway.tls.merge.ca_file = '/etc/nats-certs/gateway/ca.crt';
      },
      (r, v) => {
        if (r === 'c1') v.config.nats.tls.merge.ca_file = '/etc/nats-certs/nats/ca.pem';
      },
      (r, v) => {
        if (r === 'c1') Object.assign(v.config.cluster.tls, { secretName: TLS_SECRET, dir: '/etc/nats-certs/nats/' });
      },
    ];
    for (const [i, t] of missing.entries())
      assert.throws(() => compareAll(topo, t), /nats-server would fail|two volumes mounted at|no key/, `file tamper ${i} went unnoticed`);
  });

  it('notice when the values say something else (a tag, a JetStream limit, a route, a gateway)', () => {
    const topo = buildTopology(['c1', 'c2'], { replicas: { seed: 1, js: 1, gw: 1, xr: 2 } });
    const tampers: Tamper[] = [
      (r, v) => {
        if (r === 'c2-js') v.config.merge.server_tags = ['dc:c2'];
      },
      (r, v) => {
        if (r === 'xr-js') delete v.config.jetstream.merge.unique_tag;
      },
      (r, v) => {
        if (r === 'c1-js') v.config.jetstream.merge.max_file_store = 1;
      },
      (r, v) => {
        if (r === 'c1') v.container.env.NATS_ROUTES.valueFrom.secretKeyRef.key = 'routes.c1-gw';
      },
      (r, v) => {
        if (r === 'c1-gw') v.config.gateway.merge.gateways.pop();
      },
      (r, v) => {
        if (r === 'c1') v.config.gateway.merge.authorization.user = 'gw';
      },
    ];
    for (const [i, t] of tampers.entries()) assert.throws(() => compareAll(topo, t), assert.AssertionError, `tamper ${i} went unnoticed`);
  });

  it('give the pods the server names, tags and JetStream placement of the model', () => {
    const topo = buildTopology(['c1', 'c2']);
    const input = inputFor(topo, 'c2', creds);
    const secrets = secretsFor(input);
    const xr = natsReleaseValues(input).find((r) => r.release.name === 'xr-js')!;
    const pod = chartServerConfig(xr.values as never, 'xr-js', 2, secrets) as Record<string, any>;
    assert.equal(pod.server_name, 'c2-xr-js-nats-2');
    assert.deepEqual(pod.server_tags, ['dc:xr', 'az:c2']);
    assert.equal(pod.jetstream.unique_tag, 'az');
    assert.equal(pod.jetstream.store_dir, '/data');
    assert.equal(pod.cluster.name, 'xr-js');
    // routes to c1's xr-js members go through the linkerd-mirrored headless service
    assert.ok(pod.cluster.routes.includes('nats://route:route%22pw@xr-js-nats-0.xr-js-nats-headless-c1:6222'));
    assert.ok(pod.cluster.routes.includes('nats://route:route%22pw@xr-js-nats-1.xr-js-nats-headless:6222'));
    assert.equal(pod.gateway.advertise, 'xr-js-nats:7222');
    assert.deepEqual(pod.gateway.gateways, [
      { name: 'c1', urls: ['nats://k3d-c1-agent-0:7222'] },
      { name: 'c2', urls: ['nats://k3d-c2-agent-0:7222'] },
    ]);
    const gw = natsReleaseValues(input).find((r) => r.release.name === 'c2-gw')!;
    assert.equal(gw.values.config.gateway.merge.advertise, 'k3d-c2-agent-0:7222');
    assert.equal(gw.values.service.ports.gateway.enabled, true, 'haproxy reaches the gw servers through their service');
    assert.equal(gw.values.config.jetstream.enabled, false);
  });

  it('keep every credential out of the values: they are the same whatever the credentials', () => {
    const topo = buildTopology(['c1', 'c2']);
    const a = YAML.stringify(natsReleaseValues(inputFor(topo, 'c1', creds)).map((r) => r.values));
    const b = YAML.stringify(natsReleaseValues(inputFor(topo, 'c1', otherCreds)).map((r) => r.values));
    assert.equal(a, b);
    for (const ref of credentialRefs(creds)) assert.ok(!a.includes(ref.value) || ref.value.length < 6, `${ref.env} leaked`);
    assert.ok(!a.includes('route"pw') && !a.includes('gw/pw@x') && !a.includes('gw%2Fpw%40x'));
    assert.match(a, /password: << \$NATS_GATEWAY_PASSWORD >>/);
  });

  it('put credentials in the Secret as nats config strings, so numbers and booleans stay passwords', () => {
    const topo = buildTopology(['c1']);
    const data = natsSecretData(inputFor(topo, 'c1', creds, k3dIngressHost, 'password'));
    assert.equal(data.NATS_REQUESTER_PASSWORD, '"12345"');
    assert.equal(data.NATS_RECORDER_PASSWORD, '"true"');
    assert.equal(data.NATS_ROUTE_PASSWORD, '"route\\"pw"');
    assert.deepEqual(
      credentialRefs(creds)
        .map((r) => r.env)
        .sort(),
      [
        'NATS_ADMIN_PASSWORD',
        'NATS_GATEWAY_PASSWORD',
        'NATS_MATH_PASSWORD',
        'NATS_RECORDER_PASSWORD',
        'NATS_REQUESTER_PASSWORD',
        'NATS_ROUTE_PASSWORD',
        'NATS_SYS_PASSWORD',
      ],
    );
    assert.deepEqual(
      Object.keys(data)
        .filter((k) => k.startsWith('routes.'))
        .sort(),
      ['routes.c1', 'routes.c1-gw', 'routes.c1-js', 'routes.xr-js'],
    );
  });

  it('leave the client certificate folders of this machine out of the Secret', () => {
    const withTls: Credentials = { ...creds, clientTls: { sys: '/home/me/.sandbox/pki/clients/sys' } };
    const data = natsSecretData(inputFor(buildTopology(['c1']), 'c1', withTls));
    assert.ok(!JSON.stringify(data).includes('/home/me'), 'no local path in the Secret');
    assert.deepEqual(
      credentialRefs(withTls).map((r) => r.env),
      credentialRefs(creds).map((r) => r.env),
    );
  });

  it('use the LoadBalancer addresses found at install time for kube', () => {
    const topo = buildTopology(['east', 'west']);
    const lb: Record<string, string> = { east: '203.0.113.7', west: 'west-lb.example.com' };
    const input = inputFor(topo, 'east', creds, (dc) => lb[dc]!);
    const seed = natsReleaseValues(input).find((r) => r.release.name === 'east')!;
    assert.equal(seed.values.config.gateway.merge.advertise, '203.0.113.7:7222');
    assert.deepEqual(
      (seed.values.config.gateway.merge.gateways as { urls: string[] }[]).map((g) => g.urls[0]),
      ['nats://west-lb.example.com:7222', 'nats://xr-js-nats:7222'],
    );
  });
});
