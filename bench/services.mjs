#!/usr/bin/env zx
// Benchmark of stage 08 on a local sandbox of its own, each figure beside a raw baseline measured
// in the same run (medians over --runs, spread in brackets):
//   requester   runRequester (ask, publish through the ack window)   vs raw js.publish of answers
//               to the same stream at the same concurrency (and, for context, workers that ask
//               and then publish, awaiting both: the requester without its window)
//   recorder    rows/s draining a backlog of --backlog answers into MariaDB (the services hosts'
//               recorders)  vs the lower of: a plain fetch-and-ack loop (no database) and a plain
//               batched insert of the same rows (no NATS)
// and the resident memory of everything the sandbox runs. Compares with a saved baseline.
//
//   npx zx bench/services.mjs [--runs 3] [--rounds 2000] [--concurrency 64] [--backlog 20000]
//        [--port-base 12000] [--save bench/baseline-services.json] [--baseline bench/baseline-services.json]
import { register } from 'tsx/esm/api';
import { benchSandbox, compareAndSave, median, sandboxRssMiB, spread } from './lib.mjs';

register();
const { connect } = await import('@nats-io/transport-node');
const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream');
const { createConnection } = await import('mysql2/promise');
const { AnswersDb } = await import('../services/recorder/db.ts');
const { readLocalState } = await import('../cluster/local/state.ts');
const { localClientEnv } = await import('../cluster/local/supercluster.ts');
const { privateMysqlUrl } = await import('../cluster/local/mysql.ts');
const { connectionFromEnv } = await import('../nats/live/client.ts');
const { buildTopology } = await import('../nats/topology.ts');
const { loadCredentials } = await import('../core/secrets.ts');
const { ANSWERS_CONSUMER, ANSWERS_STREAM } = await import('../nats/accounts.ts');
const { jetstreamSpec } = await import('../nats/jetstream/spec.ts');
const { consumerConfig } = await import('../nats/live/jetstream-apply.ts');
const { SIGNIFICANT_SUBJECT, THROWAWAY_SUBJECT } = await import('../nats/jetstream/spec.ts');
const { runRequester } = await import('../services/requester/run.ts');
const { PublishWindow } = await import('../services/requester/publish-window.ts');
const { parseMysqlUrl } = await import('../services/recorder/mysql-url.ts');
const { createTableSql, insertSql } = await import('../services/recorder/rows.ts');
const { DEFAULT_BATCH_SIZE } = await import('../services/recorder/recorder.ts');

const runs = Number(argv.runs ?? 3);
const rounds = Number(argv.rounds ?? 2000);
const concurrency = Number(argv.concurrency ?? 64);
const backlog = Number(argv.backlog ?? 20000);
const names = ['c1', 'c2', 'c3'];
const sb = benchSandbox('services', Number(argv['port-base'] ?? 12000));

function sandboxTopology() {
  const plan = readLocalState(sb.dir);
  return { plan, topo: buildTopology(plan.names, { replicas: plan.replicas }) };
}

function connectAs(identity) {
  const { plan, topo } = sandboxTopology();
  const creds = loadCredentials(sb.dir, {}, false);
  return connect({ ...connectionFromEnv({ ...localClientEnv(topo, plan, creds, identity, 'c1') }), timeout: 5000 });
}

/** `concurrency` workers taking the numbers 0..n-1 in turn, each awaiting `job(i)` before the next; the rate per second. */
async function workersRate(n, job) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await job(next++);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

/** The requester's mix: 3 of 4 answers significant (which the recorders then store as well). */
const mixSubject = (i) => (i % 4 === 3 ? THROWAWAY_SUBJECT : SIGNIFICANT_SUBJECT);

const ask = (nc, i) => nc.request('math.numbers.add', JSON.stringify({ first: i + 1, second: 2 }), { timeout: 5000 });

/** Raw: workers asking the math services (no publishing), to tell asking from storing. */
const rawRequest = (nc, n) => workersRate(n, (i) => ask(nc, i));

const answer = (i) => JSON.stringify({ first: i, second: 1, operation: 'add', result: i + 1, region: 'c1', instance: 'bench' });

/**
 * Raw: workers, each awaiting its js.publish before the next, to the same stream with the
 * requester's mix, so both sides of the ratio carry the same load downstream.
 */
function rawPublish(nc, n, tag) {
  const js = jetstream(nc);
  return workersRate(n, (i) => js.publish(mixSubject(i), answer(i + 2), { msgID: `${tag}.${i}` }));
}

/**
 * Raw: workers, each asking math.numbers.add and then publishing the reply to the stream, awaiting
 * both before its next question: the requester's work without its pipelining.
 */
function rawAskThenPublish(nc, n, tag) {
  const js = jetstream(nc);
  return workersRate(n, async (i) => {
    const reply = await ask(nc, i);
    await js.publish(mixSubject(i), reply.data, { msgID: `${tag}.${i}` });
  });
}

/** A backlog of valid significant answers, published through a window. */
async function publishBacklog(nc, n, tag) {
  const js = jetstream(nc);
  const w = new PublishWindow((m) => js.publish(m.subject, m.data, { msgID: m.msgID }), { size: 512, attempts: 5 });
  let failed = 0;
  for (let i = 0; i < n; i++) {
    await w.send({ subject: SIGNIFICANT_SUBJECT, data: answer(i + 2), msgID: `${tag}.${i}` }, (o) => {
      if (!o.ok) failed++;
    });
  }
  await w.drain();
  if (failed) throw new Error(`${failed} backlog publishes failed`);
}

/** Raw ceiling 1: one plain loop fetching batches from the stream and acking them, no database. */
async function rawFetchAck(admin, startSeq, n, replicas) {
  const jsm = await jetstreamManager(admin);
  const name = `bench-raw-${startSeq}-r${replicas ?? 'stream'}`;
  await jsm.consumers.add(ANSWERS_STREAM, {
    ...(replicas ? { num_replicas: replicas } : {}),
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    filter_subject: SIGNIFICANT_SUBJECT,
    max_ack_pending: 1000,
  });
  try {
    const consumer = await jetstream(admin).consumers.get(ANSWERS_STREAM, name);
    let got = 0;
    const t0 = performance.now();
    while (got < n) {
      const iter = await consumer.fetch({ max_messages: Math.min(DEFAULT_BATCH_SIZE, n - got), expires: 2000 });
      try {
        for await (const m of iter) {
          m.ack();
          got++;
        }
      } catch (e) {
        // A pull the busy server did not answer in time ends with "heartbeats missed": pull again.
        console.error(`  (raw fetch: ${e.message}; pulling again)`);
      }
    }
    await admin.flush();
    return (n / (performance.now() - t0)) * 1000;
  } finally {
    await jsm.consumers.delete(ANSWERS_STREAM, name).catch(() => undefined);
  }
}

/** Raw ceiling 2: the same rows inserted in batches into a table of the same shape, no NATS. */
async function rawInsert(url, n) {
  const c = await createConnection({ ...parseMysqlUrl(url), connectTimeout: 5000 });
  const table = 'significant_bench';
  try {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(createTableSql(table));
    const t0 = performance.now();
    for (let i = 0; i < n; i += DEFAULT_BATCH_SIZE) {
      const rows = [];
      for (let j = i; j < Math.min(n, i + DEFAULT_BATCH_SIZE); j++)
        rows.push([j + 1, `raw.${j}`, `raw.${j}`, j, 1, 'add', j + 1, 'c1', 'bench']);
      await c.query(insertSql(table), [rows]);
    }
    return (n / (performance.now() - t0)) * 1000;
  } finally {
    await c.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await c.end();
  }
}

/**
 * Time the recorders draining a backlog of `n` answers, the services hosts running throughout: the
 * consumer is taken away (the recorders go looking for it), the stream emptied and filled with the
 * backlog, and the consumer made again as stage 07 makes it. The clock runs from its first delivery
 * to the moment nothing is pending or awaiting ack (acks follow commits), so neither Node start nor
 * the recorders' look-up is in the rate; the look-up is reported apart. Row counts are read once at
 * the end (exactly `n` new rows), not polled: a COUNT(*) every few ms would load the database.
 */
async function drainBacklog(jsm, publisher, url, n, tag) {
  const spec = jetstreamSpec(sandboxTopology().topo).consumers.find((c) => c.durable === ANSWERS_CONSUMER);
  await jsm.consumers.delete(ANSWERS_STREAM, ANSWERS_CONSUMER);
  await jsm.streams.purge(ANSWERS_STREAM);
  const firstSeq = (await jsm.streams.info(ANSWERS_STREAM)).state.last_seq + 1;
  await publishBacklog(publisher, n, tag);
  await jsm.consumers.add(ANSWERS_STREAM, consumerConfig(spec));
  const made = performance.now();
  let first;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(20)) {
    const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
    const now = performance.now();
    if (first === undefined && info.num_pending < n) first = now;
    if (first !== undefined && info.num_pending === 0 && info.num_ack_pending === 0) {
      const db = new AnswersDb(parseMysqlUrl(url));
      const stored = await db.count(`${tag}.`).finally(() => db.close());
      if (stored !== n) throw new Error(`the recorders stored ${stored} of the ${n} answers of the backlog`);
      return { rowsPerSecond: (n / (now - first)) * 1000, lookupMs: first - made, firstSeq };
    }
  }
  throw new Error(`the recorders did not drain ${n} answers in 5 minutes`);
}

const m = {
  requester: [],
  rawPublish: [],
  rawRequest: [],
  rawAskPublish: [],
  p50: [],
  p90: [],
  p99: [],
  recorder: [],
  rawFetch: [],
  rawFetchR1: [],
  rawInsert: [],
  lookup: [],
  rss: [],
};
try {
  sb.script('install', ...names, '--replicas', 'seed=1,js=1,gw=1,xr=1');
  const url = process.env.MYSQL_URL || privateMysqlUrl(sb.dir);
  const requester = await connectAs('requester');
  const admin = await connectAs('admin');
  const jsm = await jetstreamManager(admin);
  await runRequester(requester, { count: 50, concurrency }); // warm-up
  for (let r = 0; r < runs; r++) {
    // Requester against raw publishing, back to back; which goes first alternates between runs,
    // so a machine whose load drifts favours neither side of the ratio.
    const requesterRun = async () => {
      const run = await runRequester(requester, { count: rounds, concurrency });
      if (run.summary.errors || run.failures.publish) throw new Error(`requester failures: ${JSON.stringify(run.failures)}`);
      m.requester.push((run.summary.requests / run.elapsedMs) * 1000);
      m.p50.push(run.summary.latencyMs.p50);
      m.p90.push(run.summary.latencyMs.p90);
      m.p99.push(run.summary.latencyMs.p99);
    };
    const rawRun = async () => m.rawPublish.push(await rawPublish(requester, rounds * 4, `raw-${r}-${Date.now()}`));
    m.rawAskPublish.push(await rawAskThenPublish(requester, rounds * 4, `ask-publish-${r}-${Date.now()}`));
    for (const step of r % 2 ? [rawRun, requesterRun] : [requesterRun, rawRun]) await step();
    m.rawRequest.push(await rawRequest(requester, rounds * 4));

    // Recorder: once it caught up with the runs above, a backlog drained by the running hosts.
    const caughtUp = async () => {
      const info = await jsm.consumers.info(ANSWERS_STREAM, ANSWERS_CONSUMER);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    };
    for (const t = Date.now(); !(await caughtUp()) && Date.now() - t < 120_000; ) await sleep(200);
    const drained = await drainBacklog(jsm, requester, url, backlog, `backlog-${r}-${Date.now()}`);
    m.recorder.push(drained.rowsPerSecond);
    m.lookup.push(drained.lookupMs);
    const firstSeq = drained.firstSeq;
    m.rawFetch.push(await rawFetchAck(admin, firstSeq, backlog));
    // Where that ceiling comes from: the same loop on a consumer with one replica (not a
    // baseline for the goal, which keeps the recorder's consumer replicated with its stream).
    m.rawFetchR1.push(await rawFetchAck(admin, firstSeq, backlog, 1));
    m.rawInsert.push(await rawInsert(url, backlog));
    // Everything the sandbox runs.
    m.rss.push(sandboxRssMiB(sb.dir));
  }
  await requester.close();
  await admin.close();
} finally {
  sb.remove();
}

const ceilings = m.rawFetch.map((f, i) => Math.min(f, m.rawInsert[i]));
// Ratios are taken within each run (both sides under the same load), then their median.
const ratio = (xs, ys) => xs.map((x, i) => x / ys[i]);
const requesterRatios = ratio(m.requester, m.rawPublish);
const recorderRatios = ratio(m.recorder, ceilings);
const totals = m.rss.map((x) => x.total);
const result = {
  runs,
  rounds,
  concurrency,
  backlog,
  requestsPerSecond: Math.round(median(m.requester)),
  rawPublishPerSecond: Math.round(median(m.rawPublish)),
  rawRequestPerSecond: Math.round(median(m.rawRequest)),
  rawAskThenPublishPerSecond: Math.round(median(m.rawAskPublish)),
  requesterRatio: Number(median(requesterRatios).toFixed(2)),
  latencyP50Ms: median(m.p50),
  latencyP90Ms: median(m.p90),
  latencyP99Ms: median(m.p99),
  recorderRowsPerSecond: Math.round(median(m.recorder)),
  rawFetchAckPerSecond: Math.round(median(m.rawFetch)),
  rawFetchAckR1PerSecond: Math.round(median(m.rawFetchR1)),
  rawInsertRowsPerSecond: Math.round(median(m.rawInsert)),
  recorderRatio: Number(median(recorderRatios).toFixed(2)),
  consumerLookupMs: Math.round(median(m.lookup)),
  sandboxRssMiB: Math.round(median(totals)),
  machine: `${os.cpus().length} cpu, node ${process.version}`,
};
console.log(`services bench (3 regions, one server per role, asking from c1; median [min–max] of ${runs} runs)`);
console.log(`  requester:       ${spread(m.requester)} requests/s (${rounds} rounds x 4, concurrency ${concurrency})`);
console.log(`  raw js.publish:  ${spread(m.rawPublish)} publishes/s to ${ANSWERS_STREAM}, same concurrency and answers mix`);
console.log(`  ratio:           ${spread(requesterRatios, 2)} (goal >= 0.8)`);
console.log(
  `  raw ask+publish: ${spread(m.rawAskPublish)} answers/s, each worker asking then publishing (the requester without its window)`,
);
console.log(`  raw request:     ${spread(m.rawRequest)} requests/s to math.numbers.add, same concurrency (asking alone)`);
console.log(`  latency:         p50 ${spread(m.p50, 2)}ms, p90 ${spread(m.p90, 2)}ms, p99 ${spread(m.p99, 2)}ms`);
console.log(`  recorder:        ${spread(m.recorder)} rows/s draining ${backlog} answers (3 recorders; goal >= 10000)`);
console.log(`    (the recorders found the consumer made again after ${spread(m.lookup)} ms; not in the rate)`);
console.log(`  raw fetch+ack:   ${spread(m.rawFetch)} msgs/s (one loop, no database)`);
console.log(`    (one replica:   ${spread(m.rawFetchR1)} msgs/s, the same loop on an unreplicated consumer)`);
console.log(`  raw insert:      ${spread(m.rawInsert)} rows/s (batches of ${DEFAULT_BATCH_SIZE}, no NATS)`);
console.log(`  ratio:           ${spread(recorderRatios, 2)} of the lower ceiling (goal >= 0.7)`);
const part = (k) => Math.round(median(m.rss.map((x) => x[k])));
console.log(
  `  memory:          ${spread(totals)} MiB resident (servers ${part('servers')}, services ${part('services')}, MariaDB ${part('mysql')}; one server per role)`,
);
compareAndSave(
  result,
  [
    'requestsPerSecond',
    'rawPublishPerSecond',
    'requesterRatio',
    'rawAskThenPublishPerSecond',
    'latencyP50Ms',
    'latencyP99Ms',
    'recorderRowsPerSecond',
    'rawFetchAckPerSecond',
    'rawInsertRowsPerSecond',
    'recorderRatio',
    'sandboxRssMiB',
  ],
  argv.baseline,
  argv.save,
);
console.log(JSON.stringify(result));
