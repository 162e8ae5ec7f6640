import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SandboxError, UsageError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { formatDuration, log } from '../../../core/log.js';
import { poll } from '../../../core/poll.js';
import { loadCredentials } from '../../../core/secrets.js';
import { ANSWERS_STREAM } from '../../../nats/accounts.js';
import { clientEnvFor, connectionFromEnv } from '../../../nats/live/client.js';
import { streamPlacement } from '../../../nats/live/stream-placement.js';
import { resolveTopology, type Topology } from '../../../nats/topology.js';
import { checkDrill, type DrillOptions, describeDrill, timeline } from '../../drill-spec.js';
import type { Invocation, Provider } from '../../provider.js';
import { privateMysqlPid, recorderDatabase } from '../mysql.js';
import { processesOnDisk } from '../reconciler.js';
import { type LocalState, readLocalState, serviceGroup } from '../state.js';
import { localClientEnv, regionClientUrls } from '../supercluster.js';
import { noWanLayer, readLinks } from '../wan/control.js';
import { type RunningEdgeLoad, readAtEdge, startEdgeLoad, waitInHub } from './edge-load.js';
import { type Fault, faultFor } from './faults.js';
import { startLoad } from './load.js';
import { answeringStreamLastSeq, answersReader, copyReader, readEveryCopy, streamCopies, waitDrained } from './records.js';
import { buildReport, type FaultRecord, renderReport } from './report.js';
import { checkRevoke } from './revoke.js';

/** How long the sandbox may take to be healthy: before the drill, and again after the restore. */
const HEALTH_TIMEOUT_MS = 90_000;
/** How long the recorder gets to store every acknowledged answer after the load. */
const DRAIN_TIMEOUT_MS = 60_000;

interface PreparedDrill {
  provider: Provider;
  inv: Invocation;
  opts: DrillOptions;
  state: LocalState;
  topo: Topology;
  mysqlUrl: string;
}

/**
 * Check everything against the sandbox as it is (changes nothing), and return the drill's run.
 * `provider`: the local provider itself, whose observation, region reconcile and stage 08 the
 * drill uses.
 */
export function prepareDrill(provider: Provider, inv: Invocation, opts: DrillOptions): () => Promise<number> {
  if (inv.dryRun) throw new UsageError('a drill cannot be dry-run: it stops and kills real processes');
  if (Object.keys(inv.args.replicas).length) throw new UsageError('a drill runs on the sandbox as it is: --replicas is for install');
  const dir = inv.settings.sandboxDir;
  const state = readLocalState(dir);
  if (!state)
    throw new UsageError(`no local sandbox in ${dir}: a drill needs an installed one\nfix: ${commandHint('install', ['c1', 'c2', 'c3'])}`);
  const topo = resolveTopology({ names: [], saved: state });
  checkDrill(opts.spec, { names: state.names, servers: topo.servers.map((s) => s.name), edges: topo.edges.map((e) => e.name) });
  const stage08 = commandHint('08-services', state.names);
  if (!processesOnDisk(serviceGroup(dir)).length) {
    throw new UsageError(`the sandbox in ${dir} has no services yet: a drill needs the math services and the recorder\nfix: ${stage08}`);
  }
  const database = recorderDatabase(dir, inv.settings.env);
  if (!database) {
    throw new UsageError(
      `a drill checks what the recorder stored, and this sandbox has no recorder database\nfix: apt-get install mariadb-server (then ${stage08}), or set MYSQL_URL`,
    );
  }
  if (opts.spec.kind === 'mysql-outage') {
    if (database.external) {
      throw new UsageError(
        "mysql-outage stops the sandbox's private MariaDB, but MYSQL_URL points the recorders at a server of your own, which a drill does not stop\nfix: run it on a sandbox without MYSQL_URL",
      );
    }
    if (!privateMysqlPid(dir)) throw new UsageError(`the private MariaDB is not running, so there is nothing to stop\nfix: ${stage08}`);
  }
  if (opts.spec.kind === 'revoke') checkRevoke(state, state.names);
  if ((opts.spec.kind === 'partition' || opts.spec.kind === 'slow-wan' || opts.spec.kind === 'edge-partition') && !readLinks(dir)) {
    throw new UsageError(`${opts.spec.kind} needs the WAN layer: ${noWanLayer(dir, state.names).message}`);
  }
  const prepared = { provider, inv, opts, state, topo, mysqlUrl: database.url };
  return () => runDrill(prepared);
}

/** Wait, abortably; resolves early (never throws) when the signal fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return ms > 0 ? sleep(ms, undefined, { signal }).catch(() => undefined) : Promise.resolve();
}

/** Until `since()` reaches `atMs`: a timer may fire a fraction of a millisecond early. */
async function pauseUntil(atMs: number, since: () => number, signal: AbortSignal): Promise<void> {
  while (since() < atMs && !signal.aborted) await pause(Math.max(1, Math.ceil(atMs - since())), signal);
}

interface Health {
  healthyAfterMs?: number;
  problems: string[];
}

/** Poll the provider's observation (what status reports) until it is healthy, or the time is up. */
async function waitHealthy(provider: Provider, inv: Invocation, timeoutMs: number, signal?: AbortSignal): Promise<Health> {
  let problems: string[] = [];
  const r = await poll({
    timeoutMs,
    intervalMs: 500,
    attempt: async () => {
      if (signal?.aborted) return false;
      const o = await provider.observe(inv, { waitMs: 1000 });
      problems = o.causes.map((c) => c.summary);
      return o.ok ? true : undefined;
    },
  });
  return r.value === true ? { healthyAfterMs: r.elapsedMs, problems: [] } : { problems };
}

async function runDrill(p: PreparedDrill): Promise<number> {
  const { provider, inv, opts, state, topo } = p;
  const dir = inv.settings.sandboxDir;
  const plan = timeline(opts.spec, opts.seconds);
  const title = describeDrill(opts.spec);
  const interrupted = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted.signal.aborted) {
      log.warn(`${sig} again: leaving now; the fault may still be in place`);
      process.exit(130);
    }
    log.warn(`${sig}: stopping the drill and restoring the fault (again to leave at once)`);
    interrupted.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const credentials = loadCredentials(dir, inv.settings.env, false);
  let admin: NatsConnection | undefined;
  let load: Awaited<ReturnType<typeof startLoad>> | undefined;
  let edgeLoad: RunningEdgeLoad | undefined;
  try {
    log.info(`drill ${title}: waiting for the sandbox to be healthy first`);
    const before = await waitHealthy(provider, inv, HEALTH_TIMEOUT_MS, interrupted.signal);
    if (interrupted.signal.aborted) return 130;
    if (before.healthyAfterMs === undefined) {
      throw new SandboxError(
        `the sandbox is not healthy, so a drill would measure nothing: ${before.problems.join('; ')}\nfix: ${commandHint('status')} says what is wrong`,
      );
    }
    admin = await connect({
      ...connectionFromEnv(
        clientEnvFor(
          credentials,
          'admin',
          state.names.flatMap((dc) => regionClientUrls(topo, state, dc)),
        ),
        'sandbox-drill',
      ),
      timeout: 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const startSeq = await answeringStreamLastSeq(admin, HEALTH_TIMEOUT_MS);
    const fault = faultFor(opts.spec, {
      sandboxDir: dir,
      state,
      topo,
      seed: opts.seed,
      credentials,
      reconcile: () => provider.region!(inv, 'up'),
      startMysql: () => provider.stages['08-services']!(inv),
      leaders: async () => {
        const o = await provider.observe(inv, { waitMs: 1000 });
        const stream = o.jetstream?.streams.find((s) => s.name === ANSWERS_STREAM)?.leader;
        return { ...(stream ? { stream } : {}), ...(o.verdict.metaLeader ? { meta: o.verdict.metaLeader } : {}) };
      },
    });
    load = await startLoad({
      regions: [
        ...state.names.map((region) => ({
          region,
          connection: connectionFromEnv({ ...localClientEnv(topo, state, credentials, 'requester', region) }, `drill-requester-${region}`),
        })),
        ...((await fault.load?.()) ?? []),
      ],
      concurrency: opts.concurrency,
      seed: opts.seed,
      runPrefix: `drill-${Date.now().toString(36)}`,
    });
    const started = performance.now();
    const since = () => performance.now() - started;
    // The edge drills publish at the edge site too: store and forward is what they judge.
    const edge = 'edge' in opts.spec ? topo.edges.find((e) => e.name === (opts.spec as { edge: string }).edge) : undefined;
    if (edge) {
      edgeLoad = await startEdgeLoad({
        edge,
        connection: connectionFromEnv(localClientEnv(topo, state, credentials, 'admin', edge.name), `drill-edge-${edge.name}`),
        hub: admin,
        concurrency: opts.concurrency,
        runId: `drill-${Date.now().toString(36)}-${edge.name}`,
        since,
      });
    }
    log.info(
      `load running from ${[...state.names, ...(edge ? [`edge site ${edge.name}`] : [])].join(', ')} (${opts.concurrency} in flight each); the fault comes at ${formatDuration(plan.faultAtMs)}`,
    );
    const record = await applyAndRestore(fault, plan.faultAtMs, plan.holdMs, since, interrupted.signal);
    if (!record) return interruptedExit();
    // How long until the hub holds what the edge acknowledged up to the restore, counted from the moment the restore began.
    const hub = admin;
    const catchUp =
      edgeLoad &&
      waitInHub(edgeLoad, hub, edgeLoad.ackedSoFar(), HEALTH_TIMEOUT_MS).then((c) =>
        c.caughtUpAfterMs === undefined ? c : { ...c, caughtUpAfterMs: record.restoreMs + c.caughtUpAfterMs },
      );
    // How long until status is healthy again, counted from the moment the restore began.
    const health = waitHealthy(provider, inv, HEALTH_TIMEOUT_MS, interrupted.signal).then((h) =>
      h.healthyAfterMs === undefined ? h : { ...h, healthyAfterMs: record.restoreMs + h.healthyAfterMs },
    );
    await pause(Math.max(plan.loadMs, record.restoredAtMs + record.restoreMs + plan.tailMs) - since(), interrupted.signal);
    load.stop();
    edgeLoad?.stop();
    const loaded = await load.done;
    const edgePublished = await edgeLoad?.done;
    const healthy = await health;
    if (interrupted.signal.aborted) return interruptedExit();
    log.info(`load done: ${loaded.ackedSignificant.length} significant answers acknowledged; waiting for the recorder to store them`);
    const runIds = Object.values(load.runIds);
    const drained = await waitDrained(p.mysqlUrl, runIds, loaded.ackedSignificant, DRAIN_TIMEOUT_MS);
    let copies: Map<string, number> | undefined;
    let streamError: string | undefined;
    try {
      copies = await streamCopies(answersReader(admin), startSeq, runIds);
    } catch (e) {
      streamError = (e as Error).message;
    }
    // Then each replica's own copy: the read above saw one copy only.
    const replicas = await streamPlacement(admin, ANSWERS_STREAM).then(
      (p) => p.servers,
      () => [],
    );
    log.info(`reading back each copy of ${ANSWERS_STREAM}: ${replicas.join(', ') || 'no replica answered'}`);
    const reading = admin;
    const readStarted = performance.now();
    const copyReads = await readEveryCopy((server) => copyReader(reading, server), replicas, startSeq, runIds);
    log.info(`read ${replicas.length} copies in ${formatDuration(performance.now() - readStarted)}`);
    const edgeRun =
      edge && edgeLoad && edgePublished
        ? {
            ...edgePublished,
            ...(await readAtEdge(edgeLoad, edge)),
            // Then everything acknowledged, until the end of the load.
            ...(await waitInHub(edgeLoad, hub, edgePublished.acked, DRAIN_TIMEOUT_MS)),
            caughtUpAfterMs: (await catchUp)?.caughtUpAfterMs,
            catchUpTimeoutMs: HEALTH_TIMEOUT_MS,
          }
        : undefined;
    const report = buildReport({
      drill: title,
      seed: opts.seed,
      loadMs: loaded.loadMs,
      fault: record,
      regions: loaded.regions,
      acked: loaded.acked,
      ackedSignificant: loaded.ackedSignificant,
      storedKeys: drained.keys,
      drainMs: drained.waitedMs,
      streamCopies: copies,
      copyReads: replicas.length ? copyReads : [{ server: ANSWERS_STREAM, error: 'no replica reported by the stream info' }],
      ...(streamError ? { streamError } : {}),
      healthyAfterMs: healthy.healthyAfterMs,
      healthTimeoutMs: HEALTH_TIMEOUT_MS,
      unhealthy: healthy.problems,
      ...(edgeRun ? { edge: edgeRun } : {}),
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else log.info(`\n${renderReport(report)}`);
    return report.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    load?.stop();
    edgeLoad?.stop();
    await load?.done.catch(() => undefined);
    await edgeLoad?.done.catch(() => undefined);
    await edgeLoad?.connection.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
  }
}

function interruptedExit(): number {
  log.warn('drill interrupted: its fault is restored; no report');
  return 130;
}

/**
 * Wait for the fault's time, apply it, hold it, restore it: the restore runs whenever the apply
 * began, whatever happens (an error, an interruption). Undefined when interrupted.
 */
async function applyAndRestore(
  fault: Fault,
  faultAtMs: number,
  holdMs: number,
  since: () => number,
  signal: AbortSignal,
): Promise<FaultRecord | undefined> {
  await pause(faultAtMs - since(), signal);
  if (signal.aborted) return undefined;
  const appliedAtMs = since();
  let actions: string[] = [];
  let failed: unknown;
  try {
    actions = await fault.apply();
    for (const a of actions) log.info(`fault at ${formatDuration(appliedAtMs)}: ${a}`);
    await pauseUntil(appliedAtMs + holdMs, since, signal);
  } catch (e) {
    failed = e; // restored first, then reported
  }
  const restoredAtMs = since();
  log.info(`restoring at ${formatDuration(restoredAtMs)}`);
  try {
    await fault.restore();
  } catch (e) {
    const during = failed ? ` (after the fault itself failed: ${(failed as Error).message})` : '';
    throw new SandboxError(`the drill could not restore its fault: ${(e as Error).message}${during}\nfix: ${fault.manualFix}`);
  }
  const restoreMs = since() - restoredAtMs;
  log.info(`restored in ${formatDuration(restoreMs)}`);
  if (failed) throw failed;
  if (signal.aborted) return undefined;
  const measured = fault.measured?.();
  return { actions, appliedAtMs, restoredAtMs, restoreMs, ...(measured ? { measured } : {}) };
}
