#!/usr/bin/env zx
// Benchmark of stage 08 on a local sandbox of its own, each figure beside a raw baseline measured
// in the same run (medians over --runs, spread in brackets):
//   requester   runRequester (ask, publish through the ack window)   vs raw js.publish of answers
//               to the same stream at the same concurrency
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
const { readLocalState } = await import('../cluster/local/state.ts');
const { localClientEnv } = await import('../cluster/local/supercluster.ts');
const { privateMysqlUrl } = await import('../cluster/local/mysql.ts');
const { servicePid } = await import('../cluster/local/service-processes.ts');
const { stopProcess } = await import('../cluster/local/processes.ts');
const { connectionFromEnv } = await import('../nats/live/client.ts');
const { buildTopology } = await import('../nats/topology.ts');
const { loadCredentials } = await import('../core/secrets.ts');
const { ANSWERS_STREAM } = await import('../nats/accounts.ts');
const { SIGNIFICANT_SUBJECT } = await import('../nats/jetstream/spec.ts');
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

function connectAs(identity) {
  const plan = readLocalState(sb.dir);
  const topo = buildTopology(plan.names, { replicas: plan.replicas });
  const creds = loadCredentials(sb.dir, {}, false);
  return connect({ ...connectionFromEnv({ ...localClientEnv(topo, plan, creds, identity, 'c1') }), timeout: 5000 });
}

/** Rows in the table, through one connection kept open (polling must not load the database). */
function rowCounter(url) {
  let c;
  return {
    async count() {
      c ??= await createConnection({ ...parseMysqlUrl(url), connectTimeout: 5000 });
      const [r] = await c.query('SELECT COUNT(*) AS n FROM significant');
      return Number(r[0].n);
    },
    async close() {
      await c?.end();
      c = undefined;
    },
  };
}

/** Raw: `concurrency` workers asking the math services (no publishing), to tell asking from storing. */
async function rawRequest(nc, n) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        await nc.request('math.numbers.add', JSON.stringify({ first: next, second: 2 }), { timeout: 5000 });
      }
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

const answer = (i) => JSON.stringify({ first: i, second: 1, operation: 'add', result: i + 1, region: 'c1', instance: 'bench' });

/**
 * Raw: `concurrency` workers, each awaiting its js.publish before the next, to the same stream with
 * the requester's mix (3 of 4 answers significant, which the recorders then store as well), so
 * both sides of the ratio carry the same load downstream.
 */
async function rawPublish(nc, messages, tag) {
  const js = jetstream(nc);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const i = next++;
        const subject = i % 4 === 3 ? 'answers.throwaway' : SIGNIFICANT_SUBJECT;
        await js.publish(subject, answer(i + 2), { msgID: `${tag}.${i}` });
      }
    }),
  );
  return (messages / (performance.now() - t0)) * 1000;
}

/** A backlog of valid significant answers, published through a window (recorders stopped). */
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
      for await (const m of iter) {
        m.ack();
        got++;
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

async function stopHosts() {
  for (const n of names) {
    const pid = servicePid(sb.dir, `${n}-services-0`);
    if (pid) await stopProcess(pid);
  }
}

const m = {
  requester: [],
  rawPublish: [],
  rawRequest: [],
  p50: [],
  p90: [],
  p99: [],
  recorder: [],
  rawFetch: [],
  rawFetchR1: [],
  rawInsert: [],
  rss: [],
};
try {
  sb.script('install', ...names, '--replicas', 'seed=1,js=1,gw=1,xr=1');
  const url = process.env.MYSQL_URL || privateMysqlUrl(sb.dir);
  const rows = rowCounter(url);
  const requester = await connectAs('requester');
  const admin = await connectAs('admin');
  const jsm = await jetstreamManager(admin);
  if (argv['max-ack-pending']) {
    const info = await jsm.consumers.info(ANSWERS_STREAM, 'answers-consumer');
    await jsm.consumers.update(ANSWERS_STREAM, 'answers-consumer', { ...info.config, max_ack_pending: Number(argv['max-ack-pending']) });
  }
  await runRequester(requester, { count: 50, concurrency }); // warm-up
  for (let r = 0; r < runs; r++) {
    // Requester against raw publishing, back to back in the same run.
    const run = await runRequester(requester, { count: rounds, concurrency });
    if (run.summary.errors || run.failures.publish) throw new Error(`requester failures: ${JSON.stringify(run.failures)}`);
    m.requester.push((run.summary.requests / run.elapsedMs) * 1000);
    m.p50.push(run.summary.latencyMs.p50);
    m.p90.push(run.summary.latencyMs.p90);
    m.p99.push(run.summary.latencyMs.p99);
    m.rawPublish.push(await rawPublish(requester, rounds * 4, `raw-${r}-${Date.now()}`));
    m.rawRequest.push(await rawRequest(requester, rounds * 4));

    // Recorder: wait until it caught up, stop the hosts, build a backlog, start them again and
    // time the drain from the first new row to the last.
    const caughtUp = async () => {
      const info = await jsm.consumers.info(ANSWERS_STREAM, 'answers-consumer');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    };
    for (const t = Date.now(); !(await caughtUp()) && Date.now() - t < 120_000; ) await sleep(200);
    await stopHosts();
    const start = await rows.count();
    const firstSeq = (await jsm.streams.info(ANSWERS_STREAM)).state.last_seq + 1;
    await publishBacklog(requester, backlog, `backlog-${r}-${Date.now()}`);
    const restarting = sb.scriptAsync('08-services', ...names);
    let first;
    let firstRows;
    let now = start;
    const deadline = Date.now() + 300_000;
    while (now < start + backlog && Date.now() < deadline) {
      now = await rows.count();
      if (first === undefined && now > start) {
        first = performance.now();
        firstRows = now;
      }
      await sleep(10);
    }
    const drainMs = performance.now() - first;
    await restarting;
    if (now < start + backlog) throw new Error(`the recorders stored ${now - start} of ${backlog} rows in time`);
    m.recorder.push(((start + backlog - firstRows) / drainMs) * 1000);
    m.rawFetch.push(await rawFetchAck(admin, firstSeq, backlog));
    // Where that ceiling comes from: the same loop on a consumer with one replica (not a
    // baseline for the goal, which keeps the recorder's consumer replicated with its stream).
    m.rawFetchR1.push(await rawFetchAck(admin, firstSeq, backlog, 1));
    m.rawInsert.push(await rawInsert(url, backlog));
    // With the hosts running again: everything the sandbox runs.
    m.rss.push(sandboxRssMiB(sb.dir));
  }
  await rows.close();
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
  requesterRatio: Number(median(requesterRatios).toFixed(2)),
  latencyP50Ms: median(m.p50),
  latencyP90Ms: median(m.p90),
  latencyP99Ms: median(m.p99),
  recorderRowsPerSecond: Math.round(median(m.recorder)),
  rawFetchAckPerSecond: Math.round(median(m.rawFetch)),
  rawFetchAckR1PerSecond: Math.round(median(m.rawFetchR1)),
  rawInsertRowsPerSecond: Math.round(median(m.rawInsert)),
  recorderRatio: Number(median(recorderRatios).toFixed(2)),
  sandboxRssMiB: Math.round(median(totals)),
  machine: `${os.cpus().length} cpu, node ${process.version}`,
};
console.log(`services bench (3 regions, one server per role, asking from c1; median [min–max] of ${runs} runs)`);
console.log(`  requester:       ${spread(m.requester)} requests/s (${rounds} rounds x 4, concurrency ${concurrency})`);
console.log(`  raw js.publish:  ${spread(m.rawPublish)} publishes/s to ${ANSWERS_STREAM}, same concurrency and answers mix`);
console.log(`  ratio:           ${spread(requesterRatios, 2)} (goal >= 0.8)`);
console.log(`  raw request:     ${spread(m.rawRequest)} requests/s to math.numbers.add, same concurrency (asking alone)`);
console.log(`  latency:         p50 ${spread(m.p50, 2)}ms, p90 ${spread(m.p90, 2)}ms, p99 ${spread(m.p99, 2)}ms`);
console.log(`  recorder:        ${spread(m.recorder)} rows/s draining ${backlog} answers (3 recorders; goal >= 10000)`);
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
