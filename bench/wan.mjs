#!/usr/bin/env zx
// What a WAN between the regions does, measured on a local c1 c2 c3 sandbox of its own installed
// with --wan (default 60ms), each figure beside the same measurement with the delays at 0 ms in
// the same run (the router applies a new delay without restarts, so both see the same sandbox):
//   emulation     request/reply p50 across each pair vs its configured round trip; the router's CPU
//   own region    the requester from c1 (math services in every region): p50, answered where
//   failover      the same with c1's services stopped: who answers, and what it costs
//   R3 publish    js.publish to the stretched answers stream from c1 (quorum 2 of 3), and where its
//                 leader is
//   events        publish to events-c1 from c1 (its own cluster), and how long until events-all
//                 (sourced across the gateways) has it
//   drills        with --drills: every drill kind (scripts/drill.mjs) at --drill-wan (default 40ms,
//                 every pair) for --drill-seconds (default 20), its report as one table row
//
//   npx zx bench/wan.mjs [--wan 60ms] [--samples 40] [--port-base 11000] [--replicas seed=1,js=1,gw=1,xr=1]
//        [--drills] [--drill-kinds a,b] [--keep] [--save bench/baseline-wan.json] [--baseline bench/baseline-wan.json]
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';
import { benchSandbox, compareAndSave, median, sandboxRssMiB } from './lib.mjs';

register();
const { connect } = await import('@nats-io/transport-node');
const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
const { readLocalState } = await import('../cluster/local/state.ts');
const { localClientEnv } = await import('../cluster/local/supercluster.ts');
const { servicePid } = await import('../cluster/local/service-processes.ts');
const { stopProcess } = await import('../cluster/local/processes.ts');
const { readLinks, routerPid, setDelays } = await import('../cluster/local/wan/control.ts');
const { parseWan, rttOf, pairRegions } = await import('../cluster/local/wan/spec.ts');
const { connectionFromEnv } = await import('../nats/live/client.ts');
const { requestRtt, percentile } = await import('../nats/live/rtt.ts');
const { buildTopology } = await import('../nats/topology.ts');
const { loadCredentials } = await import('../core/secrets.ts');
const { ANSWERS_STREAM } = await import('../nats/accounts.ts');
const { runRequester } = await import('../services/requester/run.ts');

const wan = String(argv.wan ?? '60ms');
const samples = Number(argv.samples ?? 40);
const names = ['c1', 'c2', 'c3'];
const replicas = argv.replicas ? ['--replicas', String(argv.replicas)] : [];
const sb = benchSandbox('wan', Number(argv['port-base'] ?? 11000));

function connectAs(identity, region) {
  const plan = readLocalState(sb.dir);
  const topo = buildTopology(plan.names, { replicas: plan.replicas });
  const creds = loadCredentials(sb.dir, {}, false);
  return connect({ ...connectionFromEnv({ ...localClientEnv(topo, plan, creds, identity, region) }), timeout: 5000 });
}

/** CPU seconds a process has used (utime + stime), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const p50 = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function timed(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/** Step the answers stream's leader down until it sits where `wanted` says; returns its name. */
async function leaderIn(jsm, nc, wanted) {
  const dcOf = (server) => server?.split('-')[0];
  for (let i = 0; i < 30; i++) {
    const leader = (await jsm.streams.info(ANSWERS_STREAM)).cluster?.leader;
    if (leader && wanted(dcOf(leader))) return leader;
    await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${ANSWERS_STREAM}`, undefined, { timeout: 5000 }).catch(() => undefined);
    for (let j = 0; j < 50; j++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = (await jsm.streams.info(ANSWERS_STREAM).catch(() => undefined))?.cluster?.leader;
      if (now && now !== leader) break;
    }
  }
  throw new Error('the answers leader did not move where the bench needs it');
}

async function requester(nc, rounds) {
  const r = await runRequester(nc, { count: rounds, concurrency: 1, seed: 7, runId: `bench-wan-${Date.now()}` });
  const total = Object.values(r.summary.byRegion).reduce((a, b) => a + b, 0) || 1;
  const where = Object.entries(r.summary.byRegion)
    .map(([k, v]) => `${k} ${Math.round((v / total) * 100)}%`)
    .join(', ');
  return { p50: r.summary.latencyMs.p50, where, byRegion: r.summary.byRegion };
}

/** Every figure of the table at the delays in force now. */
async function measure(label) {
  const [c1, c2, c3, app1] = await Promise.all([
    connectAs('admin', 'c1'),
    connectAs('admin', 'c2'),
    connectAs('admin', 'c3'),
    connectAs('requester', 'c1'),
  ]);
  const byRegion = { c1, c2, c3 };
  const out = { label, pairs: {} };
  for (const [a, b] of [
    ['c1', 'c2'],
    ['c1', 'c3'],
    ['c2', 'c3'],
  ]) {
    out.pairs[`${a}-${b}`] = (await requestRtt(byRegion[a], byRegion[b], samples)).p50;
  }
  out.own = await requester(app1, Math.ceil(samples / 4) * 2);
  // The router's cost under a steady load: c1 asking 16 at a time, every answer published to the
  // R3 stream (its replication crosses the links), for long enough to read CPU time in ticks.
  const router = routerPid(sb.dir);
  const cpu0 = router ? cpuSeconds(router) : 0;
  const t0 = performance.now();
  const load = await runRequester(app1, { count: 500, concurrency: 16, seed: 9, runId: `bench-wan-load-${Date.now()}` });
  const loadSeconds = (performance.now() - t0) / 1000;
  out.routerCpuPct = router ? ((cpuSeconds(router) - cpu0) / loadSeconds) * 100 : 0;
  out.loadRate = load.summary.requests / loadSeconds;

  const js = jetstream(c1);
  const jsm = await jetstreamManager(c1);
  const r3 = async (tag) =>
    p50(
      await timed(samples, (i) =>
        js.publish('answers.throwaway', JSON.stringify({ i }), { msgID: `bench-wan-${label}-${tag}-${Date.now()}-${i}` }),
      ),
    );
  // Where the leader is decides the cost: in the asking region, the quorum's one round trip to the
  // nearest follower; elsewhere, the way there and back as well.
  await leaderIn(jsm, c1, (dc) => dc === 'c1');
  out.r3Local = await r3('local');
  out.r3RemoteLeader = await leaderIn(jsm, c1, (dc) => dc !== 'c1');
  out.r3Remote = await r3('remote');
  out.events = p50(await timed(samples, (i) => js.publish(`events.c1.bench`, JSON.stringify({ i }))));
  const reach = await timed(Math.min(10, samples), async (i) => {
    const subject = `events.c1.bench.${label.replace(/\W/g, '')}.${Date.now()}.${i}`;
    await js.publish(subject, '{}');
    for (;;) {
      const m = await jsm.streams.getMessage('events-all', { last_by_subj: subject }).catch(() => null);
      if (m) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  out.eventsReachAll = p50(reach);

  // Failover: c1's services stopped, c1 still asks.
  const pid = servicePid(sb.dir, 'c1-services-0');
  if (pid) await stopProcess(pid, 5000);
  await new Promise((r) => setTimeout(r, 500));
  out.failover = await requester(app1, Math.ceil(samples / 4) * 2);
  sb.script('08-services', ...names);
  await Promise.all([c1, c2, c3, app1].map((nc) => nc.close()));
  return out;
}

try {
  const t0 = performance.now();
  sb.script('install', ...names, ...replicas, '--wan', wan);
  console.log(`installed c1 c2 c3 with --wan ${wan} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const table = parseWan(wan, names);
  const memory = sandboxRssMiB(sb.dir);
  await setDelays(sb.dir, Object.fromEntries(Object.keys(table).map((k) => [k, 0])));
  const none = await measure('0ms');
  await setDelays(sb.dir, table);
  const withWan = await measure(wan);
  const ms = (x) => `${x.toFixed(1)} ms`;
  const rows = [
    ...Object.keys(withWan.pairs).map((pair) => {
      const [a, b] = pair.split('-');
      const configured = rttOf(table, a, b);
      return [
        `request/reply ${pair} (configured ${configured} ms)`,
        ms(none.pairs[pair]),
        ms(withWan.pairs[pair]),
        `${((withWan.pairs[pair] / configured - 1) * 100).toFixed(1)}% off`,
      ];
    }),
    ['requests from c1, services in every region: p50', ms(none.own.p50), ms(withWan.own.p50), `answered by ${withWan.own.where}`],
    [
      'requests from c1, c1 services stopped: p50',
      ms(none.failover.p50),
      ms(withWan.failover.p50),
      `answered by ${withWan.failover.where}`,
    ],
    ['R3 publish to answers from c1, leader in c1: p50', ms(none.r3Local), ms(withWan.r3Local), 'quorum: 2 of 3'],
    ['R3 publish to answers from c1, leader elsewhere: p50', ms(none.r3Remote), ms(withWan.r3Remote), `leader ${withWan.r3RemoteLeader}`],
    ['publish to events-c1 from c1: p50', ms(none.events), ms(withWan.events), 'its own cluster'],
    ['events-c1 publish until in events-all: p50', ms(none.eventsReachAll), ms(withWan.eventsReachAll), 'sourced across gateways'],
    [
      'WAN router CPU, c1 asking 16 at a time',
      `${none.routerCpuPct.toFixed(1)}%`,
      `${withWan.routerCpuPct.toFixed(1)}%`,
      `of one core, at ${Math.round(none.loadRate)} and ${Math.round(withWan.loadRate)} requests/s`,
    ],
  ];
  const w = [54, 10, 10];
  console.log(`\n| ${'measure'.padEnd(w[0])} | ${'0 ms'.padStart(w[1])} | ${wan.padStart(w[2])} | note |`);
  console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|------|`);
  for (const r of rows) console.log(`| ${r[0].padEnd(w[0])} | ${r[1].padStart(w[1])} | ${r[2].padStart(w[2])} | ${r[3]} |`);
  console.log(`\nmemory: ${Math.round(memory.total)} MiB resident (WAN router ${Math.round(memory.wan)} MiB)`);
  const links = readLinks(sb.dir);
  console.log(
    `links in force: ${Object.entries(links.rttMs)
      .map(([k, v]) => `${pairRegions(k).join('-')} ${v} ms`)
      .join(', ')}`,
  );

  const result = {
    wan,
    emulationErrorPct: Number(
      (median(Object.keys(withWan.pairs).map((p) => Math.abs(withWan.pairs[p] / rttOf(table, ...p.split('-')) - 1))) * 100).toFixed(1),
    ),
    ownRegionP50Ms: Number(withWan.own.p50.toFixed(1)),
    ownRegionP50NoWanMs: Number(none.own.p50.toFixed(1)),
    failoverP50Ms: Number(withWan.failover.p50.toFixed(1)),
    r3PublishLocalLeaderP50Ms: Number(withWan.r3Local.toFixed(1)),
    r3PublishRemoteLeaderP50Ms: Number(withWan.r3Remote.toFixed(1)),
    eventsPublishP50Ms: Number(withWan.events.toFixed(1)),
    eventsReachAllP50Ms: Number(withWan.eventsReachAll.toFixed(1)),
    routerCpuPct: Number(withWan.routerCpuPct.toFixed(1)),
    routerRssMiB: Math.round(memory.wan),
  };
  if (argv.drills) {
    // The drills at their own WAN (default 40 ms every pair), set without restarting anything.
    const drillWan = parseWan(String(argv['drill-wan'] ?? '40ms'), names);
    await setDelays(sb.dir, drillWan);
    const seconds = String(argv['drill-seconds'] ?? 20);
    const drills = [
      ['region-loss', 'c3'],
      ['partition', 'c3'],
      ['leader-kill'],
      ['server-kill', '2'],
      ['mysql-outage', '5'],
      ['slow-wan', '300'],
    ].filter(([k]) => !argv['drill-kinds'] || String(argv['drill-kinds']).split(',').includes(k));
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
    const rowsOut = [];
    for (const kind of drills) {
      const r = sb.scriptResult('drill', ...kind, '--seconds', seconds, '--seed', '1', '--json');
      let rep;
      try {
        rep = JSON.parse(r.stdout);
      } catch {
        rowsOut.push([kind.join(' '), `no report (exit ${r.status})`]);
        console.log(`  ${kind.join(' ')}: no report (exit ${r.status}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
        continue;
      }
      if (!rep.ok)
        console.log(
          `  ${kind.join(' ')} failed: ${rep.failures.join('; ')}${rep.unhealthy ? `\n    unhealthy: ${rep.unhealthy.join('\n    ')}` : ''}`,
        );
      rowsOut.push([
        kind.join(' '),
        rep.totals.sent,
        rep.totals.answered,
        rep.acked.total,
        rep.rows,
        rep.ackedButMissing,
        rep.duplicates,
        // The longest silence any asking region saw (the report's overall gap is of all answers together).
        ((g) => `${g.longestGap.ms} ms (${g.region})`)(rep.regions.reduce((a, b) => (b.longestGap.ms > a.longestGap.ms ? b : a))),
        rep.healthyAgain ? `${(rep.healthyAfterMs / 1000).toFixed(1)} s` : 'never',
      ]);
      result[`drill ${kind[0]} ackedButMissing`] = rep.ackedButMissing;
      result[`drill ${kind[0]} duplicates`] = rep.duplicates;
    }
    console.log(`\ndrills (scripts/drill.mjs --seconds ${seconds}) on c1 c2 c3 with every pair ${Object.values(drillWan)[0]} ms:\n`);
    console.log(`| ${head.join(' | ')} |`);
    console.log(`|${head.map(() => '---').join('|')}|`);
    for (const r of rowsOut) console.log(`| ${r.join(' | ')} |`);
  }
  compareAndSave(
    result,
    Object.keys(result).filter((k) => k !== 'wan'),
    argv.baseline,
    argv.save,
  );
} finally {
  // --keep leaves the sandbox running to look into (its SANDBOX_DIR and ports are printed).
  if (argv.keep) console.log(`kept: SANDBOX_DIR=${sb.dir} LOCAL_PORT_BASE=${sb.env.LOCAL_PORT_BASE}`);
  else sb.remove();
}
