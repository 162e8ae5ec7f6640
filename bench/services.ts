// Benchmark of stage 08 on a local sandbox of its own, each figure beside a raw baseline measured
// in the same run (medians over --runs, spread in brackets):
//   requester   runRequester (ask, publish through the ack window)   vs raw js.publish of answers
//               to the same stream at the same concurrency (and, for context, workers that ask
//               and then publish, awaiting both: the requester without its window)
//   nats bench  the reference client, natscli's `nats bench`, on the same sandbox in the same run:
//               synchronous JetStream publishes of a real answer to answers.throwaway, and service
//               requests to math.numbers.add, at the same concurrency and message count; our
//               requester, raw js.publish and raw request as ratios of its figures
//   recorder    rows/s draining a backlog of --backlog answers into MariaDB (the services hosts'
//               recorders)  vs the lower of: a plain fetch-and-ack loop (no database) and a plain
//               batched insert of the same rows (no NATS)
// and the resident memory of everything the sandbox runs. Compares with a saved baseline.
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { privateMysqlUrl } from '../cluster/local/mysql.js';
import { SandboxError } from '../core/errors.js';
import { NATS_CLI_VERSION } from '../core/go-tool.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../nats/accounts.js';
import { THROWAWAY_SUBJECT } from '../nats/jetstream/spec.js';
import { DEFAULT_BATCH_SIZE } from '../services/recorder/recorder.js';
import { runRequester } from '../services/requester/run.js';
import { compareAndSave } from './lib/baseline.js';
import { defineBench } from './lib/bench.js';
import { connectAs, sandboxTopology } from './lib/clients.js';
import { type SandboxMemory, type SandboxMemoryReading, sandboxMemory } from './lib/memory.js';
import { findNatsCli, type NatsBenchFigures } from './lib/nats-bench.js';
import { baselineFile, count, portBase, saveFile } from './lib/options.js';
import { benchSandbox } from './lib/sandbox.js';
import { median, ratios, spread } from './lib/stats.js';
import { type NatsBenchAnchor, natsBenchAnchor } from './services-anchor.js';
import { drainBacklog, MATH_ADD, rawAskThenPublish, rawFetchAck, rawInsert, rawPublish, rawRequest } from './services-baselines.js';

export const options = {
  runs: count('runs, measured back to back on one sandbox', 3),
  rounds: count("the requester's rounds per run (4 requests each; the raw loads send as many)", 2000),
  concurrency: count('requests or publishes in flight', 64, 10_000),
  backlog: count('answers the recorders drain per run', 20000),
  'port-base': portBase(12000),
  save: saveFile(),
  baseline: baselineFile(),
};

export const bench = defineBench({
  name: 'services',
  summary: 'The requester and the recorders of stage 08 against raw nats.js, mysql2 and natscli baselines, on a sandbox of its own.',
  options,
  async run(o) {
    const { runs, rounds, concurrency, backlog } = o;
    const names = ['c1', 'c2', 'c3'];
    // Before any sandbox: a nats CLI that has to be built is built now, not between measurements.
    const cli = await findNatsCli();
    if ('missing' in cli) console.log(`  nats bench: skipped, ${cli.missing}`);
    const sb = benchSandbox('services', o['port-base']);
    const m = {
      requester: [] as number[],
      rawPublish: [] as number[],
      rawRequest: [] as number[],
      rawAskPublish: [] as number[],
      natsPublish: [] as NatsBenchFigures[],
      natsRequest: [] as NatsBenchFigures[],
      p50: [] as number[],
      p90: [] as number[],
      p99: [] as number[],
      recorder: [] as number[],
      rawFetch: [] as number[],
      rawFetchR1: [] as number[],
      rawInsert: [] as number[],
      lookup: [] as number[],
      memory: [] as SandboxMemoryReading[],
    };
    let anchor: NatsBenchAnchor | undefined;
    try {
      sb.script('install', ...names, '--replicas', 'seed=1,js=1,gw=1,xr=1');
      const url = process.env.MYSQL_URL || privateMysqlUrl(sb.dir);
      if (!url) throw new SandboxError('the sandbox has no MariaDB URL (MYSQL_URL unset and no private MariaDB)');
      const { topo } = sandboxTopology(sb.dir);
      const requester = await connectAs(sb.dir, 'requester', 'c1');
      const admin = await connectAs(sb.dir, 'admin', 'c1');
      const jsm = await jetstreamManager(admin);
      if ('path' in cli) {
        anchor = await natsBenchAnchor(cli.path, sb.top, sb.dir, { clients: concurrency, msgs: rounds * 4 });
        for (const c of anchor.commands) console.log(`  nats bench: ${c}`);
      }
      await runRequester(requester, { count: 50, concurrency }); // warm-up
      for (let r = 0; r < runs; r++) {
        // Requester against raw publishing, back to back; which goes first alternates between runs,
        // so a machine whose load drifts favours neither side of the ratio.
        const requesterRun = async () => {
          const run = await runRequester(requester, { count: rounds, concurrency });
          if (run.summary.errors || run.failures.publish) throw new SandboxError(`requester failures: ${JSON.stringify(run.failures)}`);
          m.requester.push((run.summary.requests / run.elapsedMs) * 1000);
          m.p50.push(run.summary.latencyMs.p50);
          m.p90.push(run.summary.latencyMs.p90);
          m.p99.push(run.summary.latencyMs.p99);
        };
        const rawRun = async () => {
          m.rawPublish.push(await rawPublish(requester, rounds * 4, concurrency, `raw-${r}-${Date.now()}`));
        };
        m.rawAskPublish.push(await rawAskThenPublish(requester, rounds * 4, concurrency, `ask-publish-${r}-${Date.now()}`));
        for (const step of r % 2 ? [rawRun, requesterRun] : [requesterRun, rawRun]) await step();
        if (anchor) m.natsPublish.push(await anchor.publish());
        m.rawRequest.push(await rawRequest(requester, rounds * 4, concurrency));
        if (anchor) m.natsRequest.push(await anchor.request());

        // Recorder: once it caught up with the runs above, a backlog drained by the running hosts.
        const caughtUp = async () => {
          const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
          return info.num_pending === 0 && info.num_ack_pending === 0;
        };
        for (const t = Date.now(); !(await caughtUp()) && Date.now() - t < 120_000; ) await sleep(200);
        const drained = await drainBacklog(jsm, topo, requester, url, backlog, `backlog-${r}-${Date.now()}`);
        m.recorder.push(drained.rowsPerSecond);
        m.lookup.push(drained.lookupMs);
        m.rawFetch.push(await rawFetchAck(admin, drained.firstSeq, backlog));
        // Where that ceiling comes from: the same loop on a consumer with one replica (not a
        // baseline for the goal, which keeps the recorder's consumer replicated with its stream).
        m.rawFetchR1.push(await rawFetchAck(admin, drained.firstSeq, backlog, 1));
        m.rawInsert.push(await rawInsert(url, backlog));
        // Everything the sandbox runs.
        m.memory.push(sandboxMemory(sb.dir));
      }
      await requester.close();
      await admin.close();
    } finally {
      sb.remove();
    }

    const ceilings = m.rawFetch.map((f, i) => Math.min(f, m.rawInsert[i]!));
    // Ratios are taken within each run (both sides under the same load), then their median.
    const requesterRatios = ratios(m.requester, m.rawPublish);
    const recorderRatios = ratios(m.recorder, ceilings);
    const natsPublish = m.natsPublish.map((f) => f.msgsPerSecond);
    const natsRequest = m.natsRequest.map((f) => f.msgsPerSecond);
    const anchorRatios = {
      requester: ratios(m.requester, natsPublish),
      rawPublish: ratios(m.rawPublish, natsPublish),
      rawRequest: ratios(m.rawRequest, natsRequest),
    };
    const totals = m.memory.map((x) => x.pss.total);
    const rssTotals = m.memory.map((x) => x.rss.total);
    const ratio2 = (xs: number[]) => Number(median(xs).toFixed(2));
    const result = {
      runs,
      rounds,
      concurrency,
      backlog,
      requestsPerSecond: Math.round(median(m.requester)),
      rawPublishPerSecond: Math.round(median(m.rawPublish)),
      rawRequestPerSecond: Math.round(median(m.rawRequest)),
      rawAskThenPublishPerSecond: Math.round(median(m.rawAskPublish)),
      requesterRatio: ratio2(requesterRatios),
      ...(anchor
        ? {
            natsBenchPublishPerSecond: Math.round(median(natsPublish)),
            natsBenchRequestPerSecond: Math.round(median(natsRequest)),
            requesterToNatsBench: ratio2(anchorRatios.requester),
            rawPublishToNatsBench: ratio2(anchorRatios.rawPublish),
            rawRequestToNatsBench: ratio2(anchorRatios.rawRequest),
          }
        : {}),
      latencyP50Ms: median(m.p50),
      latencyP90Ms: median(m.p90),
      latencyP99Ms: median(m.p99),
      recorderRowsPerSecond: Math.round(median(m.recorder)),
      rawFetchAckPerSecond: Math.round(median(m.rawFetch)),
      rawFetchAckR1PerSecond: Math.round(median(m.rawFetchR1)),
      rawInsertRowsPerSecond: Math.round(median(m.rawInsert)),
      recorderRatio: ratio2(recorderRatios),
      consumerLookupMs: Math.round(median(m.lookup)),
      sandboxPssMiB: Math.round(median(totals)),
      sandboxRssMiB: Math.round(median(rssTotals)),
      machine: `${cpus().length} cpu, node ${process.version}`,
    };
    console.log(`services bench (3 regions, one server per role, asking from c1; median [min–max] of ${runs} runs)`);
    console.log(`  requester:       ${spread(m.requester)} requests/s (${rounds} rounds x 4, concurrency ${concurrency})`);
    console.log(`  raw js.publish:  ${spread(m.rawPublish)} publishes/s to ${ANSWERS_STREAM}, same concurrency and answers mix`);
    console.log(`  ratio:           ${spread(requesterRatios, 2)} (goal >= 0.8)`);
    console.log(
      `  raw ask+publish: ${spread(m.rawAskPublish)} answers/s, each worker asking then publishing (the requester without its window)`,
    );
    console.log(`  raw request:     ${spread(m.rawRequest)} requests/s to ${MATH_ADD}, same concurrency (asking alone)`);
    if (anchor) {
      console.log(
        `  nats bench:      ${spread(natsPublish)} publishes/s (js pub sync to ${THROWAWAY_SUBJECT}), ${spread(natsRequest)} requests/s (service request ${MATH_ADD}); natscli v${NATS_CLI_VERSION}, ${concurrency} clients, ${rounds * 4} messages`,
      );
      console.log(
        `    ours of it:    requester ${spread(anchorRatios.requester, 2)} and raw js.publish ${spread(anchorRatios.rawPublish, 2)} of its publishes/s; raw request ${spread(anchorRatios.rawRequest, 2)} of its requests/s`,
      );
      for (const w of new Set([...m.natsPublish, ...m.natsRequest].flatMap((f) => f.warnings))) console.log(`    nats bench said: ${w}`);
    } else console.log(`  nats bench:      skipped (${'missing' in cli ? cli.missing : 'not run'})`);
    console.log(`  latency:         p50 ${spread(m.p50, 2)}ms, p90 ${spread(m.p90, 2)}ms, p99 ${spread(m.p99, 2)}ms`);
    console.log(`  recorder:        ${spread(m.recorder)} rows/s draining ${backlog} answers (3 recorders; goal >= 10000)`);
    console.log(`    (the recorders found the consumer made again after ${spread(m.lookup)} ms; not in the rate)`);
    console.log(`  raw fetch+ack:   ${spread(m.rawFetch)} msgs/s (one loop, no database)`);
    console.log(`    (one replica:   ${spread(m.rawFetchR1)} msgs/s, the same loop on an unreplicated consumer)`);
    console.log(`  raw insert:      ${spread(m.rawInsert)} rows/s (batches of ${DEFAULT_BATCH_SIZE}, no NATS)`);
    console.log(`  ratio:           ${spread(recorderRatios, 2)} of the lower ceiling (goal >= 0.7)`);
    const part = (k: keyof SandboxMemory) => Math.round(median(m.memory.map((x) => x.pss[k])));
    console.log(
      `  memory:          ${spread(totals)} MiB proportional (servers ${part('servers')}, services ${part('services')}, MariaDB ${part('mysql')}; one server per role), ${spread(rssTotals)} MiB resident`,
    );
    compareAndSave(
      result,
      [
        'requestsPerSecond',
        'rawPublishPerSecond',
        'requesterRatio',
        'rawAskThenPublishPerSecond',
        ...(anchor
          ? [
              'natsBenchPublishPerSecond',
              'natsBenchRequestPerSecond',
              'requesterToNatsBench',
              'rawPublishToNatsBench',
              'rawRequestToNatsBench',
            ]
          : []),
        'latencyP50Ms',
        'latencyP99Ms',
        'recorderRowsPerSecond',
        'rawFetchAckPerSecond',
        'rawInsertRowsPerSecond',
        'recorderRatio',
        'sandboxPssMiB',
        'sandboxRssMiB',
      ],
      o.baseline,
      o.save,
    );
    console.log(JSON.stringify(result));
  },
});
