// A plan that is garbled or gone while the servers run is rebuilt from their own configs (rendered
// here by the same renderer stage 06 uses) and the WAN layer's router config: the same plan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPorts } from '../../../../cluster/local/ports.js';
import { configFacts, nameFacts, planFromConfigs } from '../../../../cluster/local/rebuild-state.js';
import type { LocalState } from '../../../../cluster/local/state.js';
import { renderLocalConfigs } from '../../../../cluster/local/supercluster.js';
import { assignLinkPorts, linkNames, routerConfig } from '../../../../cluster/local/wan/layout.js';
import { buildTopology } from '../../../../nats/topology.js';
import { TEST_CREDENTIALS } from '../../../support/kube-plan.js';

function sandboxOf(names: string[], replicas: LocalState['replicas'], portBase: number, wan?: LocalState['wan']) {
  const topo = buildTopology(names, { replicas });
  const ports = assignPorts(
    topo.servers.map((s) => s.name),
    portBase,
  );
  const links = wan ? assignLinkPorts(linkNames(topo), portBase) : undefined;
  const confs = [...renderLocalConfigs(topo, ports, TEST_CREDENTIALS, '/sandbox', undefined, undefined, links).values()];
  const state: LocalState = { version: 1, names, replicas, portBase, ports, ...(wan && links ? { wan, links } : {}) };
  const router = links ? routerConfig(topo, ports, links, '/sandbox', '/sandbox/local/servers') : undefined;
  return { state, confs, router };
}

describe('rebuilding the plan from the servers', () => {
  it('reads a server name back into its region, role and index, regions with dashes included', () => {
    assert.deepEqual(nameFacts('c1-xr-js-nats-2'), { region: 'c1', role: 'xr', index: 2 });
    assert.deepEqual(nameFacts('eu-west-js-nats-0'), { region: 'eu-west', role: 'js', index: 0 });
    assert.deepEqual(nameFacts('a-js-gw-nats-1'), { region: 'a-js', role: 'gw', index: 1 });
    assert.deepEqual(nameFacts('c3-nats-0'), { region: 'c3', role: 'seed', index: 0 });
    assert.equal(nameFacts('postgres-0'), undefined);
  });

  it('gives back the plan the configs were rendered from: names in order, replicas, ports', () => {
    const { state, confs } = sandboxOf(['us', 'eu-west', 'ap'], { seed: 1, js: 3, gw: 2, xr: 1 }, 21000);
    assert.deepEqual(planFromConfigs([...confs].reverse()), { state });
    assert.deepEqual(configFacts(confs[0]!)?.ports, state.ports[configFacts(confs[0]!)!.name]);
  });

  it('gives back the WAN delays and link ports from the router files', () => {
    const rttMs = { 'c1~c2': 40, 'c1~c3': 80, 'c2~c3': 60 };
    const { state, confs, router } = sandboxOf(['c1', 'c2', 'c3'], { seed: 1, js: 1, gw: 1, xr: 1 }, 22000, rttMs);
    assert.deepEqual(planFromConfigs(confs, { router: router!, rttMs }), { state });
  });

  it('gives back operator mode from configs that trust an operator', () => {
    const { state, confs } = sandboxOf(['c1', 'c2'], { seed: 1, js: 1, gw: 1, xr: 1 }, 24000);
    const operator = confs.map((c) => c.replace(/^accounts: /m, 'operator: "eyJ0"\naccounts: '));
    assert.deepEqual(planFromConfigs(operator), { state: { ...state, auth: 'jwt' } });
  });

  it('says why when the configs cannot make a plan', () => {
    const { confs } = sandboxOf(['c1', 'c2'], { seed: 1, js: 1, gw: 1, xr: 1 }, 23000);
    assert.deepEqual(planFromConfigs([]), { why: 'no server config is left to rebuild it from' });
    assert.match(
      String((planFromConfigs(confs.slice(1)) as { why: string }).why),
      /do not make a whole topology of c1, c2 \(no config for c1-nats-0\)/,
    );
    assert.deepEqual(planFromConfigs([...confs, 'listen: 4222']), { why: 'a server config does not name its server and ports' });
  });
});
