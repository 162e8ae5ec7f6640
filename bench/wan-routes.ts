// What the xr-js routes' settings do across a WAN (they are the only routes between regions: the
// stretched answers stream replicates over them). One local c1 c2 c3 sandbox of its own with
// --wan (default 40ms); for each variant of XR_ROUTE_COMPRESSION x XR_ROUTE_POOL_SIZE, stage 06
// restarts the xr-js servers with it, then from c1 (stream leader put in c1):
//   rate      js.publish of answers-shaped messages with a window of 256 in flight, messages/s
//   p50       one publish at a time, ms (a round trip to the nearest follower)
//   wire      bytes the WAN router forwarded per message (/proc/<router>/io wchar)
//   cpu       CPU of the xr-js servers per message, microseconds
//   modes     the compression the routes between regions report (routez)
// Every variant runs --runs times, interleaved; medians [min–max].
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { routerPid } from '../cluster/local/wan/control.js';
import { SandboxError, UsageError } from '../core/errors.js';
import { ANSWERS_STREAM } from '../nats/accounts.js';
import { ROUTE_COMPRESSION, type RouteCompression } from '../nats/server-config.js';
import { STRETCHED_CLUSTER } from '../nats/topology.js';
import { answersLeaderIn } from './lib/answers-leader.js';
import { defineBench } from './lib/bench.js';
import { connectAs, connectSystem, sandboxTopology } from './lib/clients.js';
import { count, portBase, replicas, switchOption, value, wanDelays, wholeNumber } from './lib/options.js';
import { cpuSeconds, writtenBytes } from './lib/proc.js';
import { type BenchSandbox, benchSandbox } from './lib/sandbox.js';
import { spread } from './lib/stats.js';

const NAMES = ['c1', 'c2', 'c3'];

/** The route pool sizes a sandbox takes (XR_ROUTE_POOL_SIZE, core/settings.ts). */
const MAX_POOL = 64;

export interface RouteVariant {
  compression: RouteCompression;
  pool: number;
  label: string;
}

/** "accept:3,s2_auto:1": compression (nats/server-config.ts ROUTE_COMPRESSION) and pool size, each variant once. */
export function parseVariants(raw: string, flag: string): RouteVariant[] {
  const variants = raw.split(',').map((item) => {
    const [compression, pool, extra] = item.trim().split(':');
    if (extra !== undefined || !compression || pool === undefined)
      throw new UsageError(`${flag} takes compression:pool pairs, e.g. accept:3,s2_auto:1; got '${item}'`);
    if (!(ROUTE_COMPRESSION as readonly string[]).includes(compression))
      throw new UsageError(`${flag} ${item}: the compression must be one of ${ROUTE_COMPRESSION.join(', ')}; got '${compression}'`);
    const size = wholeNumber(pool, `${flag} ${item}: the pool size`, 1, MAX_POOL);
    return { compression: compression as RouteCompression, pool: size, label: `${compression} pool ${size}` };
  });
  const labels = variants.map((v) => v.label);
  const twice = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (twice.length) throw new UsageError(`${flag} gives ${[...new Set(twice)].join(', ')} more than once`);
  return variants;
}

export const options = {
  wan: wanDelays('40ms', NAMES, 'the WAN the routes cross'),
  runs: count('runs of every variant, interleaved', 3),
  messages: count('messages per measure', 4000),
  'port-base': portBase(11500),
  variants: value('c:n,...', `route compression:pool variants (default accept:3,s2_auto:3,accept:1,s2_auto:1)`, (raw, flag) =>
    parseVariants(raw ?? 'accept:3,s2_auto:3,accept:1,s2_auto:1', flag),
  ),
  replicas: replicas('seed=1,js=1,gw=1,xr=3'),
  keep: switchOption('leave the sandbox running to look into (its SANDBOX_DIR and port base are printed)'),
};

function xrPids(sb: BenchSandbox): number[] {
  return sandboxTopology(sb.dir)
    .topo.servers.filter((s) => s.cluster === STRETCHED_CLUSTER)
    .map((s) => Number(readFileSync(join(sb.dir, 'local', 'servers', s.name, 'pid'), 'utf8').trim()));
}

interface Routez {
  server: { name: string };
  data?: { routes?: { remote_name?: string; compression?: string }[] };
}

/** The compression modes of the routes between xr-js servers of different regions. */
async function routeModes(sb: BenchSandbox): Promise<string> {
  const { topo } = sandboxTopology(sb.dir);
  const regionOf = (name: string | undefined) => topo.servers.find((s) => s.name === name)?.datacenter;
  const nc = await connectSystem(sb.dir);
  const modes = new Set<string>();
  const replies = await nc.requestMany('$SYS.REQ.SERVER.PING.ROUTEZ', '', { strategy: 'timer', maxWait: 1500 });
  for await (const m of replies) {
    const r = m.json<Routez>();
    for (const route of r.data?.routes ?? []) {
      const remote = topo.servers.find((s) => s.name === route.remote_name);
      if (remote?.cluster === STRETCHED_CLUSTER && remote.datacenter !== regionOf(r.server.name)) modes.add(route.compression ?? 'none');
    }
  }
  await nc.close();
  return [...modes].sort().join('/');
}

/** An answer as the requester publishes it (its JSON is what crosses the routes, compressed or not). */
const answer = (i: number) =>
  JSON.stringify({
    first: i % 997,
    second: (i * 7) % 991,
    operation: 'add',
    result: (i % 997) + ((i * 7) % 991),
    region: 'c1',
    instance: 'c1-adder-0',
    requester: 'bench',
  });

interface Measured {
  rate: number;
  p50: number;
  wire: number;
  cpu: number;
  modes: string;
}

async function measure(sb: BenchSandbox, v: RouteVariant, run: number, messages: number): Promise<Measured> {
  sb.script('06-supercluster', ...NAMES);
  const nc = await connectAs(sb.dir, 'admin', 'c1');
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await answersLeaderIn(nc, sandboxTopology(sb.dir).topo, (dc) => dc === 'c1');
  const router = routerPid(sb.dir);
  if (!router) throw new SandboxError('the sandbox has no WAN router running');
  const pids = xrPids(sb);
  const cpu0 = pids.reduce((a, p) => a + cpuSeconds(p), 0);
  const wire0 = writtenBytes(router);
  const t0 = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < messages; i++) {
    const p = js.publish('answers.throwaway', answer(i), { msgID: `wr-${run}-${v.label}-${i}` });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const rate = messages / seconds;
  const wire = (writtenBytes(router) - wire0) / messages;
  const cpu = ((pids.reduce((a, p) => a + cpuSeconds(p), 0) - cpu0) / messages) * 1e6;
  const lat: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await js.publish('answers.throwaway', answer(i), { msgID: `wr-lat-${run}-${v.label}-${i}` });
    lat.push(performance.now() - t);
  }
  const p50 = lat.sort((a, b) => a - b)[15]!;
  const modes = await routeModes(sb);
  await jsm.streams.purge(ANSWERS_STREAM, { filter: 'answers.throwaway' });
  await nc.close();
  return { rate, p50, wire, cpu, modes };
}

export const bench = defineBench({
  name: 'wan-routes',
  summary: "What the xr-js routes' compression and pool size do across a WAN: publish rate and latency, bytes on the WAN, CPU.",
  options,
  async run(o) {
    const { runs, messages, variants } = o;
    const replicaArgs = o.replicas ? ['--replicas', o.replicas] : [];
    const sb = benchSandbox('wan-routes', o['port-base']);
    try {
      console.log(`wan-routes: c1 c2 c3 (${o.replicas}) --wan ${o.wan.text}, ${messages} messages per measure, ${runs} runs`);
      sb.script('install', ...NAMES, ...replicaArgs, '--wan', o.wan.text);
      const results = new Map<string, Measured[]>(variants.map((v) => [v.label, []]));
      for (let run = 0; run < runs; run++) {
        for (const v of run % 2 ? [...variants].reverse() : variants) {
          sb.env.XR_ROUTE_COMPRESSION = v.compression;
          sb.env.XR_ROUTE_POOL_SIZE = String(v.pool);
          const r = await measure(sb, v, run, messages);
          results.get(v.label)!.push(r);
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
        const rs = results.get(v.label)!;
        const col = (k: 'rate' | 'p50' | 'wire' | 'cpu', digits = 0) =>
          spread(
            rs.map((r) => r[k]),
            digits,
          );
        console.log(
          `| ${v.label} | ${col('rate')} | ${col('p50', 1)} | ${col('wire')} | ${col('cpu')} | ${[...new Set(rs.map((r) => r.modes))].join(', ')} |`,
        );
      }
    } finally {
      if (o.keep) console.log(`kept: SANDBOX_DIR=${sb.dir} LOCAL_PORT_BASE=${sb.env.LOCAL_PORT_BASE}`);
      else sb.remove();
    }
  },
});
