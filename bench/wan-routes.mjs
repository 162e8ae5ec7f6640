#!/usr/bin/env zx
// What the xr-js routes' settings do across a WAN (they are the only routes between regions: the
// stretched answers stream replicates over them). One local c1 c2 c3 sandbox of its own with
// --wan (default 40ms); for each variant of XR_ROUTE_COMPRESSION x XR_ROUTE_POOL_SIZE, stage 06
// restarts the xr-js servers with it, then from c1 (stream leader in c1):
//   rate      js.publish of answers-shaped messages with a window of 256 in flight, messages/s
//   p50       one publish at a time, ms (a round trip to the nearest follower)
//   wire      bytes the WAN router forwarded per message (/proc/<router>/io wchar)
//   cpu       CPU of the xr-js servers per message, microseconds
//   modes     the compression the routes between regions report (routez)
// Every variant runs --runs times, interleaved; medians [min–max].
//
//   npx zx bench/wan-routes.mjs [--wan 40ms] [--runs 3] [--messages 4000] [--port-base 11500]
//        [--variants accept:3,s2_auto:3,accept:1,s2_auto:1] [--keep]
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';
import { benchSandbox, spread } from './lib.mjs';

register();
const { connect } = await import('@nats-io/transport-node');
const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
const { readLocalState } = await import('../cluster/local/state.ts');
const { localClientEnv, systemConnection } = await import('../cluster/local/supercluster.ts');
const { routerPid } = await import('../cluster/local/wan/control.ts');
const { connectionFromEnv } = await import('../nats/live/client.ts');
const { buildTopology } = await import('../nats/topology.ts');
const { loadCredentials } = await import('../core/secrets.ts');
const { ANSWERS_STREAM } = await import('../nats/accounts.ts');

const wan = String(argv.wan ?? '40ms');
const runs = Number(argv.runs ?? 3);
const messages = Number(argv.messages ?? 4000);
const variants = String(argv.variants ?? 'accept:3,s2_auto:3,accept:1,s2_auto:1')
  .split(',')
  .map((v) => {
    const [compression, pool] = v.split(':');
    return { compression, pool: Number(pool), label: `${compression} pool ${pool}` };
  });
for (const v of variants) if (!v.compression || !(v.pool >= 1)) throw new Error(`--variants: compression:pool, got ${JSON.stringify(v)}`);
const replicas = ['--replicas', String(argv.replicas ?? 'seed=1,js=1,gw=1,xr=3')];
const sb = benchSandbox('wan-routes', Number(argv['port-base'] ?? 11500));

function topoNow() {
  const plan = readLocalState(sb.dir);
  return { plan, topo: buildTopology(plan.names, { replicas: plan.replicas }) };
}

function connectAs(identity, region) {
  const { plan, topo } = topoNow();
  return connect({ ...connectionFromEnv(localClientEnv(topo, plan, loadCredentials(sb.dir, {}, false), identity, region)), timeout: 5000 });
}

const procStat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const cpuSeconds = (pid) => (Number(procStat(pid)[11]) + Number(procStat(pid)[12])) / 100;
const wchar = (pid) => Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))[1]);
const xrPids = () =>
  topoNow()
    .topo.servers.filter((s) => s.cluster === 'xr-js')
    .map((s) => Number(readFileSync(`${sb.dir}/local/servers/${s.name}/pid`, 'utf8').trim()));

/** The compression modes of the routes between xr-js servers of different regions. */
async function routeModes() {
  const { plan, topo } = topoNow();
  const nc = await connect({ ...systemConnection(topo, plan, loadCredentials(sb.dir, {}, false)), timeout: 5000 });
  const modes = new Set();
  const replies = await nc.requestMany('$SYS.REQ.SERVER.PING.ROUTEZ', '', { strategy: 'timer', maxWait: 1500 });
  for await (const m of replies) {
    const r = m.json();
    const dc = r.server.name.split('-')[0];
    for (const route of r.data?.routes ?? []) {
      if (route.remote_name?.includes('-xr-js-') && route.remote_name.split('-')[0] !== dc) modes.add(route.compression ?? 'none');
    }
  }
  await nc.close();
  return [...modes].sort().join('/');
}

async function leaderInC1(jsm, nc) {
  for (let i = 0; i < 30; i++) {
    // Right after stage 06 restarted the xr-js servers the stream may not answer yet.
    const leader = (await jsm.streams.info(ANSWERS_STREAM).catch(() => undefined))?.cluster?.leader;
    if (leader?.startsWith('c1-')) return;
    await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${ANSWERS_STREAM}`, undefined, { timeout: 5000 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
  }
  throw new Error('the answers leader did not move to c1');
}

/** An answer as the requester publishes it (its JSON is what crosses the routes, compressed or not). */
const answer = (i) =>
  JSON.stringify({
    first: i % 997,
    second: (i * 7) % 991,
    operation: 'add',
    result: (i % 997) + ((i * 7) % 991),
    region: 'c1',
    instance: 'c1-adder-0',
    requester: 'bench',
  });

async function measure(v, run) {
  sb.script('06-supercluster', 'c1', 'c2', 'c3');
  const nc = await connectAs('admin', 'c1');
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await leaderInC1(jsm, nc);
  const router = routerPid(sb.dir);
  const pids = xrPids();
  const cpu0 = pids.reduce((a, p) => a + cpuSeconds(p), 0);
  const wire0 = wchar(router);
  const t0 = performance.now();
  const inFlight = new Set();
  for (let i = 0; i < messages; i++) {
    const p = js.publish('answers.throwaway', answer(i), { msgID: `wr-${run}-${v.label}-${i}` });
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const out = {
    rate: messages / seconds,
    wire: (wchar(router) - wire0) / messages,
    cpu: ((pids.reduce((a, p) => a + cpuSeconds(p), 0) - cpu0) / messages) * 1e6,
  };
  const lat = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await js.publish('answers.throwaway', answer(i), { msgID: `wr-lat-${run}-${v.label}-${i}` });
    lat.push(performance.now() - t);
  }
  out.p50 = lat.sort((a, b) => a - b)[15];
  out.modes = await routeModes();
  await jsm.streams.purge(ANSWERS_STREAM, { filter: 'answers.throwaway' });
  await nc.close();
  return out;
}

try {
  console.log(`wan-routes: c1 c2 c3 (${replicas[1]}) --wan ${wan}, ${messages} messages per measure, ${runs} runs`);
  sb.script('install', 'c1', 'c2', 'c3', ...replicas, '--wan', wan);
  const results = Object.fromEntries(variants.map((v) => [v.label, []]));
  for (let run = 0; run < runs; run++) {
    for (const v of run % 2 ? [...variants].reverse() : variants) {
      sb.env.XR_ROUTE_COMPRESSION = v.compression;
      sb.env.XR_ROUTE_POOL_SIZE = String(v.pool);
      const r = await measure(v, run);
      results[v.label].push(r);
      console.log(
        `  run ${run + 1} ${v.label.padEnd(16)} ${r.rate.toFixed(0)} msg/s, p50 ${r.p50.toFixed(1)} ms, ${r.wire.toFixed(0)} B/msg on the WAN, ${r.cpu.toFixed(0)} µs xr CPU/msg, routes ${r.modes}`,
      );
    }
  }
  console.log(
    `\n| xr-js routes | publish rate (msg/s, 256 in flight) | publish p50 (ms) | bytes on the WAN per message | xr-js CPU per message (µs) | cross-region routes report |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const v of variants) {
    const rs = results[v.label];
    const col = (k, d = 0) =>
      spread(
        rs.map((r) => r[k]),
        d,
      );
    console.log(
      `| ${v.label} | ${col('rate')} | ${col('p50', 1)} | ${col('wire')} | ${col('cpu')} | ${[...new Set(rs.map((r) => r.modes))].join(', ')} |`,
    );
  }
} finally {
  if (!argv.keep) sb.remove();
}
