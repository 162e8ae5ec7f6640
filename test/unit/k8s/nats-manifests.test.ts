// The NATS objects next to the releases: haproxy's TCP routes in the format of the pinned
// controller, checked against its upstream CRD (haproxytech/kubernetes-ingress v3.2.11,
// crs/definition/ingress.v3.haproxy.org_tcps.yaml, the CRD controller 3.2.x installs itself).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../core/errors.js';
import { CHART_VERSION_DEFAULTS, readKubeSettings } from '../../../core/settings.js';
import { type HaproxyTcp, haproxyTcpRoutes } from '../../../k8s/nats-manifests.js';
import { haproxyPin } from '../../../k8s/upstream.js';
import { validateObjects } from '../../../k8s/validate.js';

const pin = haproxyPin(readKubeSettings({}));

describe('haproxy TCP routes', () => {
  const routes = haproxyTcpRoutes('c2', pin);

  it('use the only TCP API the pinned chart installs, ingress.v3.haproxy.org/v3 (chart 1.52.1 runs controller 3.2.12)', () => {
    assert.equal(CHART_VERSION_DEFAULTS.HAPROXY_INGRESS_CHART_VERSION, '1.52.1');
    for (const r of routes) assert.equal(r.apiVersion, 'ingress.v3.haproxy.org/v3');
  });

  it('validate against the upstream v3 TCP CRD, where binds is a map', () => {
    assert.deepEqual(validateObjects(routes), []);
    const listBinds = structuredClone(routes[0]!) as unknown as { spec: { frontend: { binds: unknown } }[] };
    listBinds.spec[0]!.frontend.binds = [{ name: 'nats-gateway-bind', port: 7222 }];
    assert.match(validateObjects([listBinds as unknown as HaproxyTcp]).join(), /binds must be object/);
  });

  it('route 7222 to the gw servers and 4222 to the seed servers of the same cluster', () => {
    assert.deepEqual(
      routes.map((r) => [Object.values(r.spec[0]!.frontend.binds).map((b) => b.port), r.spec[0]!.service.name, r.spec[0]!.service.port]),
      [
        [[7222], 'c2-gw-nats', 7222],
        [[4222], 'c2-nats', 4222],
      ],
    );
  });

  it('refuse a haproxy chart pin the code has not been checked against, naming the pin and the versions it knows', () => {
    const settings = readKubeSettings({ HAPROXY_INGRESS_CHART_VERSION: '1.44.0' });
    assert.throws(
      () => haproxyPin(settings),
      (e: Error) => e instanceof UsageError && /HAPROXY_INGRESS_CHART_VERSION=1\.44\.0/.test(e.message) && /1\.52\.1/.test(e.message),
    );
  });
});
