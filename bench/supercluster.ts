// Benchmark of the local supercluster in a sandbox of its own (medians over --runs, spread in
// brackets): a cold install to a verified supercluster (stages 01 + 02 + 06) with where its time
// goes (Node start of each stage, PKI, configs and process start, convergence polling), a warm
// re-run of 06, stages 07 and 08 (MariaDB start, service discovery), the full install.mjs on a
// fresh sandbox, and the memory of everything the sandbox runs (servers, services hosts, MariaDB),
// idle and at its peak under the requester's load, proportional (PSS) and resident (RSS). The
// stages' own output gives the inner timings. Compares with a saved baseline.
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from '../core/errors.js';
import { splitNames, validateEdges, validateNames } from '../core/input.js';
import { buildTopology, defaultOptions } from '../nats/topology.js';
import { runRequester } from '../services/requester/run.js';
import { compareAndSave } from './lib/baseline.js';
import { defineBench } from './lib/bench.js';
import { connectAs } from './lib/clients.js';
import { type SandboxMemoryReading, sandboxMemory } from './lib/memory.js';
import { baselineFile, count, portBase, saveFile, value } from './lib/options.js';
import { benchSandbox } from './lib/sandbox.js';
import { median, spread } from './lib/stats.js';

export const options = {
  names: value('c1,c2,...', 'cluster names, edge sites as name@hub (default c1,c2,c3; e.g. c1,c2,c3,e1@c1,e2@c2)', (raw) => {
    const names = (raw ?? 'c1,c2,c3').split(',').map((n) => n.trim());
    const split = splitNames(names);
    validateNames(split.names);
    validateEdges(split.edges, split.names);
    return names;
  }),
  runs: count('runs, each from nothing', 3),
  'load-rounds': count("the requester's rounds (4 requests each) while memory is sampled under load", 3000),
  'port-base': portBase(12500),
  save: saveFile(),
  baseline: baselineFile(),
};

const mib = (r: SandboxMemoryReading[], k: 'rss' | 'pss', part: keyof SandboxMemoryReading['pss']) =>
  Math.round(median(r.map((x) => x[k][part])));

/** The sandbox's memory at its highest while the requester asks from c1 (sampled every 250 ms), and the rate it asked at. */
async function underLoad(sandboxDir: string, rounds: number): Promise<{ peak: SandboxMemoryReading; requestsPerSecond: number }> {
  const nc = await connectAs(sandboxDir, 'requester', 'c1');
  let peak = sandboxMemory(sandboxDir);
  const sampler = setInterval(() => {
    const now = sandboxMemory(sandboxDir);
    if (now.pss.total > peak.pss.total) peak = now;
  }, 250);
  try {
    const run = await runRequester(nc, { count: rounds, concurrency: 64 });
    if (run.summary.errors || run.failures.publish)
      throw new SandboxError(`requester failures under load: ${JSON.stringify(run.failures)}`);
    return { peak, requestsPerSecond: Math.round((run.summary.requests / run.elapsedMs) * 1000) };
  } finally {
    clearInterval(sampler);
    await nc.close();
  }
}

/** Servers the default topology of these names runs: the regions' and the edge sites'. */
function serverCount(list: readonly string[]): number {
  const { names, edges } = splitNames(list);
  const topo = buildTopology(names, defaultOptions(), edges);
  return topo.servers.length + topo.edges.reduce((n, e) => n + e.servers.length, 0);
}

/** Seconds a stage's output says something took: "converged in 5.0s", "ready in 1.2s". */
function said(stdout: string, pattern: RegExp): number {
  const m = pattern.exec(stdout);
  return m ? Number(m[1]) : Number.NaN;
}

export const bench = defineBench({
  name: 'supercluster',
  summary: 'Cold install, warm re-run, stages 07 and 08, the full install and memory of a local supercluster of its own.',
  options,
  async run(o) {
    const names = o.names;
    const runs = o.runs;
    const sb = benchSandbox('supercluster', o['port-base']);
    // A stage run that does nothing measures what every stage pays first: Node, zx, TypeScript loading.
    const idle = () => sb.script('06-supercluster', '--help').seconds;
    const t = {
      nodeStart: [] as number[],
      stage01: [] as number[],
      pki: [] as number[],
      stage06: [] as number[],
      converge: [] as number[],
      cold: [] as number[],
      warm: [] as number[],
      stage07: [] as number[],
      stage08: [] as number[],
      mariadb: [] as number[],
      discovery: [] as number[],
      full: [] as number[],
      idle: [] as SandboxMemoryReading[],
      loaded: [] as SandboxMemoryReading[],
      loadRate: [] as number[],
    };
    try {
      for (let i = 0; i < runs; i++) {
        sb.script('delete');
        t.nodeStart.push(idle());
        const s01 = sb.script('01-clusters', ...names);
        const s02 = sb.script('02-certs', ...names);
        const s06 = sb.script('06-supercluster', ...names);
        t.stage01.push(s01.seconds);
        t.pki.push(s02.seconds);
        t.stage06.push(s06.seconds);
        t.converge.push(said(s06.stdout, /converged in ([\d.]+)s/));
        t.cold.push(s01.seconds + s02.seconds + s06.seconds);
        t.warm.push(sb.script('06-supercluster', ...names).seconds);
        t.stage07.push(sb.script('07-jetstream', ...names).seconds);
        const s08 = sb.script('08-services', ...names);
        t.stage08.push(s08.seconds);
        t.mariadb.push(said(s08.stdout, /private \w+ ready in ([\d.]+)s/));
        t.discovery.push(said(s08.stdout, /discovered in ([\d.]+)s/));
        await sleep(3000); // let the services settle before counting their memory
        t.idle.push(sandboxMemory(sb.dir));
        const load = await underLoad(sb.dir, o['load-rounds']);
        t.loaded.push(load.peak);
        t.loadRate.push(load.requestsPerSecond);
        sb.script('delete');
        t.full.push(sb.script('install', ...names).seconds);
      }
    } finally {
      sb.remove();
    }

    const r2 = (x: number) => Number(x.toFixed(2));
    const result = {
      names: names.length,
      servers: serverCount(names),
      runs,
      coldInstallSeconds: r2(median(t.cold)),
      warmRerunSeconds: r2(median(t.warm)),
      fullInstallSeconds: r2(median(t.full)),
      convergeSeconds: r2(median(t.converge)),
      nodeStartSeconds: r2(median(t.nodeStart)),
      serversPssMiB: mib(t.idle, 'pss', 'servers'),
      sandboxPssMiB: mib(t.idle, 'pss', 'total'),
      loadedPssMiB: mib(t.loaded, 'pss', 'total'),
      serversRssMiB: mib(t.idle, 'rss', 'servers'),
      sandboxRssMiB: mib(t.idle, 'rss', 'total'),
      loadedRssMiB: mib(t.loaded, 'rss', 'total'),
      machine: `${cpus().length} cpu, node ${process.version}`,
    };
    console.log(`supercluster bench (${result.servers} servers; median [min–max] of ${runs} runs)`);
    console.log(`  cold install (01+02+06) to verified: ${spread(t.cold, 2)}s   (goal <= 5s)`);
    console.log(`    node + zx + TypeScript per stage:  ${spread(t.nodeStart, 2)}s   (paid by each of the 3 stages)`);
    console.log(`    01 port plan and tool check:       ${spread(t.stage01, 2)}s`);
    console.log(`    02 PKI:                            ${spread(t.pki, 2)}s`);
    console.log(
      `    06 configs and process start:      ${spread(
        t.stage06.map((x, i) => x - t.converge[i]!),
        2,
      )}s`,
    );
    console.log(`    06 convergence polling:            ${spread(t.converge, 2)}s`);
    console.log(`  warm re-run of 06:                   ${spread(t.warm, 2)}s   (goal <= 1s)`);
    console.log(`  07 JetStream:                        ${spread(t.stage07, 2)}s`);
    console.log(`  08 services:                         ${spread(t.stage08, 2)}s`);
    console.log(`    MariaDB start (first time):        ${spread(t.mariadb, 2)}s`);
    console.log(`    service discovery:                 ${spread(t.discovery, 2)}s`);
    console.log(`  full install.mjs on a fresh sandbox: ${spread(t.full, 2)}s   (goal <= 10s)`);
    const of = (r: SandboxMemoryReading[], k: 'rss' | 'pss', part: keyof SandboxMemoryReading['pss']) => spread(r.map((x) => x[k][part]));
    console.log('  memory, idle (MiB proportional: shared pages split; resident: counted in every process)');
    for (const [label, part] of [
      ['servers', 'servers'],
      ['services hosts', 'services'],
      ['MariaDB', 'mysql'],
      ['everything', 'total'],
    ] as const)
      console.log(
        `    ${`${label}:`.padEnd(33)}${of(t.idle, 'pss', part)}   resident ${of(t.idle, 'rss', part)}${part === 'total' ? '   (goal <= 800)' : ''}`,
      );
    console.log(
      `  memory under load, peak (requester from c1, ${spread(t.loadRate)} requests/s): ${of(t.loaded, 'pss', 'total')}   resident ${of(t.loaded, 'rss', 'total')}   (goal <= 1024)`,
    );
    compareAndSave(
      result,
      [
        'coldInstallSeconds',
        'warmRerunSeconds',
        'fullInstallSeconds',
        'convergeSeconds',
        'serversPssMiB',
        'sandboxPssMiB',
        'loadedPssMiB',
        'serversRssMiB',
        'sandboxRssMiB',
        'loadedRssMiB',
      ],
      o.baseline,
      o.save,
    );
    console.log(JSON.stringify(result));
  },
});
