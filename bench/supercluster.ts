// Benchmark of the local supercluster in a sandbox of its own (medians over --runs, spread in
// brackets): a cold install to a verified supercluster (stages 01 + 02 + 06) with where its time
// goes (Node start of each stage, PKI, configs and process start, convergence polling), a warm
// re-run of 06, stages 07 and 08 (MariaDB start, service discovery), the full install.mjs on a
// fresh sandbox, and the resident memory of everything the sandbox runs (servers, services hosts,
// MariaDB). The stages' own output gives the inner timings. Compares with a saved baseline.
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateNames } from '../core/input.js';
import { compareAndSave } from './lib/baseline.js';
import { defineBench } from './lib/bench.js';
import { sandboxRssMiB } from './lib/memory.js';
import { baselineFile, count, portBase, saveFile, value } from './lib/options.js';
import { benchSandbox } from './lib/sandbox.js';
import { median, spread } from './lib/stats.js';

export const options = {
  names: value('c1,c2,...', 'cluster names (default c1,c2,c3)', (raw) => {
    const names = (raw ?? 'c1,c2,c3').split(',').map((n) => n.trim());
    validateNames(names);
    return names;
  }),
  runs: count('runs, each from nothing', 3),
  'port-base': portBase(12500),
  save: saveFile(),
  baseline: baselineFile(),
};

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
      serversRss: [] as number[],
      totalRss: [] as number[],
      servicesRss: [] as number[],
      mysqlRss: [] as number[],
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
        t.serversRss.push(sandboxRssMiB(sb.dir).servers);
        t.warm.push(sb.script('06-supercluster', ...names).seconds);
        t.stage07.push(sb.script('07-jetstream', ...names).seconds);
        const s08 = sb.script('08-services', ...names);
        t.stage08.push(s08.seconds);
        t.mariadb.push(said(s08.stdout, /private \w+ ready in ([\d.]+)s/));
        t.discovery.push(said(s08.stdout, /discovered in ([\d.]+)s/));
        await sleep(3000); // let the services settle before counting their memory
        const rss = sandboxRssMiB(sb.dir);
        t.totalRss.push(rss.total);
        t.servicesRss.push(rss.services);
        t.mysqlRss.push(rss.mysql);
        sb.script('delete');
        t.full.push(sb.script('install', ...names).seconds);
      }
    } finally {
      sb.remove();
    }

    const r2 = (x: number) => Number(x.toFixed(2));
    const result = {
      names: names.length,
      servers: names.length * 12,
      runs,
      coldInstallSeconds: r2(median(t.cold)),
      warmRerunSeconds: r2(median(t.warm)),
      fullInstallSeconds: r2(median(t.full)),
      convergeSeconds: r2(median(t.converge)),
      nodeStartSeconds: r2(median(t.nodeStart)),
      serversRssMiB: Math.round(median(t.serversRss)),
      sandboxRssMiB: Math.round(median(t.totalRss)),
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
    console.log(`  resident memory, servers:            ${spread(t.serversRss)} MiB`);
    console.log(`  resident memory, services hosts:     ${spread(t.servicesRss)} MiB`);
    console.log(`  resident memory, MariaDB:            ${spread(t.mysqlRss)} MiB`);
    console.log(`  resident memory, everything:         ${spread(t.totalRss)} MiB   (goal <= 1024)`);
    compareAndSave(
      result,
      ['coldInstallSeconds', 'warmRerunSeconds', 'fullInstallSeconds', 'convergeSeconds', 'serversRssMiB', 'sandboxRssMiB'],
      o.baseline,
      o.save,
    );
    console.log(JSON.stringify(result));
  },
});
