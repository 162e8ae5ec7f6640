// The local service processes: one host per region and instance index, each role under its own
// instance name, each identity with its own connection variables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignPorts } from '../../../../cluster/local/ports.js';
import { desiredServices, serviceEnv, serviceProcesses } from '../../../../cluster/local/service-processes.js';
import type { LocalState } from '../../../../cluster/local/state.js';
import type { Credentials } from '../../../../nats/server-config.js';
import { buildTopology } from '../../../../nats/topology.js';

describe('local service processes', () => {
  it('plans one host per region and index with every operation, and the recorder in the first when MySQL is known', () => {
    const topo = buildTopology(['c1', 'c2']);
    const p = serviceProcesses(topo, { instances: 2, recorder: true });
    assert.deepEqual(
      p.map((x) => x.name),
      ['c1-services-0', 'c1-services-1', 'c2-services-0', 'c2-services-1'],
    );
    assert.deepEqual(p[0]!.roles, ['adder', 'subtractor', 'multiplier', 'divider', 'recorder']);
    assert.deepEqual(p[3]!.instances, ['c2-adder-1', 'c2-subtractor-1', 'c2-multiplier-1', 'c2-divider-1']);
    assert.equal(p.flatMap((x) => x.instances).filter((n) => n.includes('recorder')).length, 2, 'one recorder per region');
    assert.ok(serviceProcesses(topo, { instances: 1, recorder: false }).every((x) => !x.roles.includes('recorder')));
  });

  it('gives the math services and the recorder of a host each their own connection variables', () => {
    const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const [host] = serviceProcesses(topo, { instances: 1, recorder: true });
    const ports = assignPorts(
      topo.servers.map((s) => s.name),
      14222,
    );
    const state = { version: 1, names: topo.names, replicas: { seed: 1, js: 1, gw: 1, xr: 1 }, portBase: 14222, ports } as LocalState;
    const credentials = { math: 'm-pass', recorder: 'r-pass' } as unknown as Credentials;
    const env = serviceEnv(
      { sandboxDir: '/nowhere', topo, state, credentials, bundle: '/b/main.mjs', mysqlUrl: 'mysql://a:b@h/answers' },
      host!,
    );
    assert.equal(env.NATS_USER, 'math');
    assert.equal(env.RECORDER_NATS_USER, 'recorder');
    assert.equal(env.RECORDER_NATS_URL, env.NATS_URL);
    assert.equal(env.INSTANCE, 'c1-services-0');
    assert.equal(env.SERVICE_INDEX, '0');
    assert.equal(env.MYSQL_URL, 'mysql://a:b@h/answers');
  });

  it('runs the services build with plain node, marked by its folder; a new build is a new command line', () => {
    const topo = buildTopology(['c1', 'c2', 'c3'], { replicas: { seed: 1, js: 1, gw: 1, xr: 1 } });
    const ports = assignPorts(
      topo.servers.map((s) => s.name),
      14222,
    );
    const state = { version: 1, names: topo.names, replicas: { seed: 1, js: 1, gw: 1, xr: 1 }, portBase: 14222, ports } as LocalState;
    const credentials = { math: 'm-pass', recorder: 'r-pass' } as unknown as Credentials;
    const processes = serviceProcesses(topo, { instances: 1, recorder: false });
    const desired = (bundle: string) => desiredServices({ sandboxDir: '/sb', topo, state, credentials, bundle }, processes)[0]!;
    const p = desired('/repo/dist/services/aaaa/main.mjs');
    assert.equal(p.command, process.execPath);
    assert.deepEqual(p.args.slice(0, 3), ['--max-semi-space-size=1', '/repo/dist/services/aaaa/main.mjs', 'host']);
    assert.ok(!p.args.some((a) => /tsx|\.ts$|\.cjs$/.test(a)), p.args.join(' '));
    assert.ok(p.args.join(' ').includes(p.marker), 'the marker is on its command line');
    assert.notDeepEqual(desired('/repo/dist/services/bbbb/main.mjs').args, p.args);
  });
});
