// What a WAN between the regions does, measured on a local c1 c2 c3 sandbox of its own installed
// with --wan (default 60ms), each figure beside the same measurement with the delays at 0 ms in
// the same run (the router applies a new delay without restarts, so both see the same sandbox):
//   emulation     request/reply p50 across each pair vs its configured round trip; the router's CPU
//   own region    the requester from c1 (math services in every region): p50, answered where
//   failover      the same with c1's services stopped: who answers, and what it costs
//   R3 publish    js.publish to the stretched answers stream from c1 (quorum 2 of 3), its leader
//                 put in c1, then in another region (one preferred step-down each)
//   events        publish to events-c1 from c1 (its own cluster), and how long until events-all
//                 (sourced across the gateways) has it
//   drills        with --drills: every drill kind (scripts/drill.mjs) at --drill-wan (default 40ms,
//                 every pair) for --drill-seconds (default 20), its report as one table row
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DRILL_KINDS } from '../cluster/drill-spec.js';
import { stopProcess } from '../cluster/local/processes.js';
import { servicePid } from '../cluster/local/service-processes.js';
import { readLinks, routerPid, setDelays } from '../cluster/local/wan/control.js';
import { pairRegions, rttOf } from '../cluster/local/wan/spec.js';
import { UsageError } from '../core/errors.js';
import { percentile, requestRtt } from '../nats/live/rtt.js';
import { runRequester } from '../services/requester/run.js';
import { answersLeaderIn } from './lib/answers-leader.js';
import { type BenchResult, compareAndSave } from './lib/baseline.js';
import { defineBench } from './lib/bench.js';
import { connectAs, sandboxTopology } from './lib/clients.js';
import { sandboxMemory } from './lib/memory.js';
import { baselineFile, count, listOf, portBase, replicas, saveFile, switchOption, value, wanDelays } from './lib/options.js';
import { cpuSeconds } from './lib/proc.js';
import { type BenchSandbox, benchSandbox } from './lib/sandbox.js';
import { median } from './lib/stats.js';

const NAMES = ['c1', 'c2', 'c3'];

/** Each drill as the bench runs it: its kind and arguments for scripts/drill.mjs. */
const DRILLS: readonly (readonly string[])[] = [
  ['region-loss', 'c3'],
  ['partition', 'c3'],
  ['leader-kill'],
  ['server-kill', '2'],
  ['mysql-outage', '5'],
  ['slow-wan', '300'],
];

export const options = {
  wan: wanDelays('60ms', NAMES, 'the WAN measured against 0 ms'),
  samples: count('timed requests or publishes per figure', 40, 100_000),
  'port-base': portBase(11000),
  replicas: replicas(),
  drills: switchOption('also run every drill kind and print its report as a table row'),
  'drill-kinds': value('a,b,...', `only these drills (of ${DRILL_KINDS.join(', ')})`, (raw, flag) =>
    raw === undefined ? [...DRILL_KINDS] : listOf(raw, flag, DRILL_KINDS),
  ),
  'drill-wan': wanDelays('40ms', NAMES, 'the WAN of the drills'),
  'drill-seconds': count('seconds each drill runs', 20, 3600),
  keep: switchOption('leave the sandbox running to look into (its SANDBOX_DIR and port base are printed)'),
  save: saveFile(),
  baseline: baselineFile(),
};

const p50 = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

interface Asked {
  p50: number;
  /** "c1 100%, c2 0%": who answered. */
  where: string;
}

async function requester(nc: NatsConnection, rounds: number): Promise<Asked> {
  const r = await runRequester(nc, { count: rounds, concurrency: 1, seed: 7, runId: `bench-wan-${Date.now()}` });
  const total = Object.values(r.summary.byRegion).reduce((a, b) => a + b, 0) || 1;
  const where = Object.entries(r.summary.byRegion)
    .map(([k, v]) => `${k} ${Math.round((v / total) * 100)}%`)
    .join(', ');
  return { p50: r.summary.latencyMs.p50, where };
}

interface Measured {
  pairs: Record<string, number>;
  own: Asked;
  failover: Asked;
  routerCpuPct: number;
  loadRate: number;
  r3Local: number;
  r3Remote: number;
  r3RemoteLeader: string;
  events: number;
  eventsReachAll: number;
}

/** Every figure of the table at the delays in force now. */
async function measure(sb: BenchSandbox, label: string, samples: number): Promise<Measured> {
  const [c1, c2, c3, app1] = await Promise.all([
    connectAs(sb.dir, 'admin', 'c1'),
    connectAs(sb.dir, 'admin', 'c2'),
    connectAs(sb.dir, 'admin', 'c3'),
    connectAs(sb.dir, 'requester', 'c1'),
  ]);
  const byRegion: Record<string, NatsConnection> = { c1, c2, c3 };
  const pairs: Record<string, number> = {};
  for (const [a, b] of [
    ['c1', 'c2'],
    ['c1', 'c3'],
    ['c2', 'c3'],
  ] as const) {
    pairs[`${a}-${b}`] = (await requestRtt(byRegion[a]!, byRegion[b]!, samples)).p50;
  }
  const own = await requester(app1, Math.ceil(samples / 4) * 2);
  // The router's cost under a steady load: c1 asking 16 at a time, every answer published to the
  // R3 stream (its replication crosses the links), for long enough to read CPU time in ticks.
  const router = routerPid(sb.dir);
  const cpu0 = router ? cpuSeconds(router) : 0;
  const t0 = performance.now();
  const load = await runRequester(app1, { count: 500, concurrency: 16, seed: 9, runId: `bench-wan-load-${Date.now()}` });
  const loadSeconds = (performance.now() - t0) / 1000;
  const routerCpuPct = router ? ((cpuSeconds(router) - cpu0) / loadSeconds) * 100 : 0;
  const loadRate = load.summary.requests / loadSeconds;

  const js = jetstream(c1);
  const jsm = await jetstreamManager(c1);
  const r3 = async (tag: string) =>
    p50(
      await timed(samples, (i) =>
        js.publish('answers.throwaway', JSON.stringify({ i }), { msgID: `bench-wan-${label}-${tag}-${Date.now()}-${i}` }),
      ),
    );
  // Where the leader is decides the cost: in the asking region, the quorum's one round trip to the
  // nearest follower; elsewhere, the way there and back as well.
  const { topo } = sandboxTopology(sb.dir);
  await answersLeaderIn(c1, topo, (dc) => dc === 'c1');
  const r3Local = await r3('local');
  const r3RemoteLeader = await answersLeaderIn(c1, topo, (dc) => dc !== 'c1');
  const r3Remote = await r3('remote');
  const events = p50(await timed(samples, (i) => js.publish('events.c1.bench', JSON.stringify({ i }))));
  const reach = await timed(Math.min(10, samples), async (i) => {
    const subject = `events.c1.bench.${label.replace(/\W/g, '')}.${Date.now()}.${i}`;
    await js.publish(subject, '{}');
    for (;;) {
      const m = await jsm.streams.getMessage('events-all', { last_by_subj: subject }).catch(() => null);
      if (m) return;
      await sleep(2);
    }
  });
  const eventsReachAll = p50(reach);

  // Failover: c1's services stopped, c1 still asks.
  const pid = servicePid(sb.dir, 'c1-services-0');
  if (pid) await stopProcess(pid, 5000);
  await sleep(500);
  const failover = await requester(app1, Math.ceil(samples / 4) * 2);
  sb.script('08-services', ...NAMES);
  await Promise.all([c1, c2, c3, app1].map((nc) => nc.close()));
  return { pairs, own, failover, routerCpuPct, loadRate, r3Local, r3Remote, r3RemoteLeader, events, eventsReachAll };
}

interface DrillReport {
  ok: boolean;
  failures: string[];
  unhealthy?: string[];
  totals: { sent: number; answered: number };
  acked: { total: number };
  rows: number;
  ackedButMissing: number;
  duplicates: number;
  regions: { region: string; longestGap: { ms: number } }[];
  healthyAgain: boolean;
  healthyAfterMs: number;
}

/** Every drill kind asked for, each a row of the drill table; their losses go into the result. */
function runDrills(sb: BenchSandbox, kinds: readonly string[], seconds: number, result: BenchResult): (string | number)[][] {
  const rowsOut: (string | number)[][] = [];
  for (const kind of DRILLS.filter(([k]) => kinds.includes(k!))) {
    const r = sb.scriptResult('drill', ...kind, '--seconds', String(seconds), '--seed', '1', '--json');
    let rep: DrillReport;
    try {
      rep = JSON.parse(r.stdout) as DrillReport;
    } catch {
      rowsOut.push([kind.join(' '), `no report (exit ${r.status})`]);
      console.log(`  ${kind.join(' ')}: no report (exit ${r.status}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
      continue;
    }
    if (!rep.ok)
      console.log(
        `  ${kind.join(' ')} failed: ${rep.failures.join('; ')}${rep.unhealthy ? `\n    unhealthy: ${rep.unhealthy.join('\n    ')}` : ''}`,
      );
    // The longest silence any asking region saw (the report's overall gap is of all answers together).
    const worst = rep.regions.reduce((a, b) => (b.longestGap.ms > a.longestGap.ms ? b : a));
    rowsOut.push([
      kind.join(' '),
      rep.totals.sent,
      rep.totals.answered,
      rep.acked.total,
      rep.rows,
      rep.ackedButMissing,
      rep.duplicates,
      `${worst.longestGap.ms} ms (${worst.region})`,
      rep.healthyAgain ? `${(rep.healthyAfterMs / 1000).toFixed(1)} s` : 'never',
    ]);
    result[`drill ${kind[0]} ackedButMissing`] = rep.ackedButMissing;
    result[`drill ${kind[0]} duplicates`] = rep.duplicates;
  }
  return rowsOut;
}

export const bench = defineBench({
  name: 'wan',
  summary: 'What a WAN between c1 c2 c3 does to requests, publishes and events, against 0 ms in the same run; with --drills, every drill.',
  options,
  check(o, given) {
    const drillOnly = ['drill-kinds', 'drill-wan', 'drill-seconds'].filter((k) => given.has(k));
    if (!o.drills && drillOnly.length) {
      const many = drillOnly.length > 1;
      throw new UsageError(
        `${drillOnly.map((k) => `--${k}`).join(', ')} ${many ? 'are' : 'is'} only for --drills; add --drills or leave ${many ? 'them' : 'it'} out`,
      );
    }
  },
  async run(o) {
    const wan = o.wan.text;
    const table = o.wan.table;
    const samples = o.samples;
    const sb = benchSandbox('wan', o['port-base']);
    try {
      const t0 = performance.now();
      sb.script('install', ...NAMES, ...(o.replicas ? ['--replicas', o.replicas] : []), '--wan', wan);
      console.log(`installed c1 c2 c3 with --wan ${wan} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const memory = sandboxMemory(sb.dir);
      await setDelays(sb.dir, Object.fromEntries(Object.keys(table).map((k) => [k, 0])));
      const none = await measure(sb, '0ms', samples);
      await setDelays(sb.dir, table);
      const withWan = await measure(sb, wan, samples);
      const configured = (pair: string) => rttOf(table, ...(pair.split('-') as [string, string]));
      const ms = (x: number) => `${x.toFixed(1)} ms`;
      const rows = [
        ...Object.keys(withWan.pairs).map((pair) => [
          `request/reply ${pair} (configured ${configured(pair)} ms)`,
          ms(none.pairs[pair]!),
          ms(withWan.pairs[pair]!),
          `${((withWan.pairs[pair]! / configured(pair) - 1) * 100).toFixed(1)}% off`,
        ]),
        ['requests from c1, services in every region: p50', ms(none.own.p50), ms(withWan.own.p50), `answered by ${withWan.own.where}`],
        [
          'requests from c1, c1 services stopped: p50',
          ms(none.failover.p50),
          ms(withWan.failover.p50),
          `answered by ${withWan.failover.where}`,
        ],
        ['R3 publish to answers from c1, leader in c1: p50', ms(none.r3Local), ms(withWan.r3Local), 'quorum: 2 of 3'],
        [
          'R3 publish to answers from c1, leader elsewhere: p50',
          ms(none.r3Remote),
          ms(withWan.r3Remote),
          `leader ${withWan.r3RemoteLeader}`,
        ],
        ['publish to events-c1 from c1: p50', ms(none.events), ms(withWan.events), 'its own cluster'],
        ['events-c1 publish until in events-all: p50', ms(none.eventsReachAll), ms(withWan.eventsReachAll), 'sourced across gateways'],
        [
          'WAN router CPU, c1 asking 16 at a time',
          `${none.routerCpuPct.toFixed(1)}%`,
          `${withWan.routerCpuPct.toFixed(1)}%`,
          `of one core, at ${Math.round(none.loadRate)} and ${Math.round(withWan.loadRate)} requests/s`,
        ],
      ];
      const w = [54, 10, 10] as const;
      console.log(`\n| ${'measure'.padEnd(w[0])} | ${'0 ms'.padStart(w[1])} | ${wan.padStart(w[2])} | note |`);
      console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|------|`);
      for (const r of rows) console.log(`| ${r[0]!.padEnd(w[0])} | ${r[1]!.padStart(w[1])} | ${r[2]!.padStart(w[2])} | ${r[3]} |`);
      console.log(
        `\nmemory: ${Math.round(memory.pss.total)} MiB proportional, ${Math.round(memory.rss.total)} MiB resident (WAN router ${Math.round(memory.pss.wan)} MiB proportional)`,
      );
      const links = readLinks(sb.dir);
      console.log(
        `links in force: ${Object.entries(links?.rttMs ?? {})
          .map(([k, v]) => `${pairRegions(k).join('-')} ${v} ms`)
          .join(', ')}`,
      );

      const result: BenchResult = {
        wan,
        emulationErrorPct: Number(
          (median(Object.keys(withWan.pairs).map((p) => Math.abs(withWan.pairs[p]! / configured(p) - 1))) * 100).toFixed(1),
        ),
        ownRegionP50Ms: Number(withWan.own.p50.toFixed(1)),
        ownRegionP50NoWanMs: Number(none.own.p50.toFixed(1)),
        failoverP50Ms: Number(withWan.failover.p50.toFixed(1)),
        r3PublishLocalLeaderP50Ms: Number(withWan.r3Local.toFixed(1)),
        r3PublishRemoteLeaderP50Ms: Number(withWan.r3Remote.toFixed(1)),
        eventsPublishP50Ms: Number(withWan.events.toFixed(1)),
        eventsReachAllP50Ms: Number(withWan.eventsReachAll.toFixed(1)),
        routerCpuPct: Number(withWan.routerCpuPct.toFixed(1)),
        routerRssMiB: Math.round(memory.rss.wan),
        routerPssMiB: Math.round(memory.pss.wan),
      };
      if (o.drills) {
        // The drills at their own WAN (default 40 ms every pair), set without restarting anything.
        await setDelays(sb.dir, o['drill-wan'].table);
        const seconds = o['drill-seconds'];
        const head = [
          'drill',
          'sent',
          'answered',
          'acked',
          'rows',
          'acked-but-missing',
          'duplicates',
          'longest gap of a region',
          'healthy again after',
        ];
        const rowsOut = runDrills(sb, o['drill-kinds'], seconds, result);
        console.log(
          `\ndrills (scripts/drill.mjs --seconds ${seconds}) on c1 c2 c3 with every pair ${Object.values(o['drill-wan'].table)[0]} ms:\n`,
        );
        console.log(`| ${head.join(' | ')} |`);
        console.log(`|${head.map(() => '---').join('|')}|`);
        for (const r of rowsOut) console.log(`| ${r.join(' | ')} |`);
      }
      compareAndSave(
        result,
        Object.keys(result).filter((k) => k !== 'wan'),
        o.baseline,
        o.save,
      );
    } finally {
      // --keep leaves the sandbox running to look into (its SANDBOX_DIR and ports are printed).
      if (o.keep) console.log(`kept: SANDBOX_DIR=${sb.dir} LOCAL_PORT_BASE=${sb.env.LOCAL_PORT_BASE}`);
      else sb.remove();
    }
  },
});
