// A drill's report: what the load saw (sent, answered, by whom, the longest silence), what was
// acknowledged and what of it the recorder stored, what was stored twice, and how long the
// sandbox took to be healthy again. Built from plain inputs, rendered as a table. Pure.
import { plainTable } from '../../../nats/report.js';

/** What one asking region's requester saw during the load. */
export interface RegionLoad {
  region: string;
  /** Questions asked. */
  sent: number;
  answered: number;
  /** Failures by kind: timeout, no-responders, service error codes, publish. */
  failures: Record<string, number>;
  /** When each answer arrived, ms since the load started (any order). */
  answerTimesMs: number[];
  /** Answers by the region that answered them (math answers carry `region`). */
  answeredBy: Record<string, number>;
  /** Publishes the answers stream acknowledged, by subject kind. */
  acked: { significant: number; throwaway: number };
  /** Acks that said "duplicate": a retried publish the stream had already stored (deduplicated, not a copy). */
  dedupedAcks: number;
}

export interface FaultRecord {
  /** What was done, e.g. "killed c2-js-nats-0 (answers leader)". */
  actions: string[];
  appliedAtMs: number;
  restoredAtMs: number;
  /** Time the restore itself took (a reconcile, a server start). */
  restoreMs: number;
  /** What the fault itself measured (revoke: when each server closed and refused the user). */
  measured?: Record<string, unknown>;
}

export interface ReportInput {
  drill: string;
  seed: number;
  /** When asking stopped and every answer was in, ms since the load started. */
  loadMs: number;
  fault: FaultRecord;
  regions: RegionLoad[];
  /** Message ids of every answer whose publish was acknowledged. */
  acked: readonly string[];
  /** Of those, the significant answers (the recorder stores those). */
  ackedSignificant: readonly string[];
  /** Keys (message ids) of this run's rows in MySQL, once the recorder drained or the wait ran out. */
  storedKeys: readonly string[];
  /** How long the recorder was given to store every acknowledged answer, and whether it did. */
  drainMs: number;
  /** Copies of each of this run's message ids in the answers stream (what could be stored twice). */
  streamCopies: ReadonlyMap<string, number> | undefined;
  /** Why the stream could not be read, when it could not. */
  streamError?: string;
  /** Each replica's own copy of the run's answers, read from it (absent: not read per copy). */
  copyReads?: readonly { server: string; copies?: ReadonlyMap<string, number>; digest?: string; error?: string }[];
  /** Since the restore began; undefined when it did not become healthy within healthTimeoutMs. */
  healthyAfterMs: number | undefined;
  healthTimeoutMs: number;
  /** What status still said when it gave up. */
  unhealthy?: string[];
  /** The edge drills' publishes at the edge site, and where they ended up. */
  edge?: EdgeRunInput;
}

/** Publishes into an edge site's own stream during an edge drill, and what the two streams hold of them. */
export interface EdgeRunInput {
  site: string;
  published: number;
  /** Message ids the edge's stream acknowledged. */
  acked: readonly string[];
  failed: number;
  /** When each ack came, ms since the load started. */
  ackTimesMs: readonly number[];
  /** Copies of each of the run's ids in the edge's own stream (undefined: it could not be read). */
  atEdge?: ReadonlyMap<string, number>;
  edgeError?: string;
  /** Copies in the hub's `edges` stream once it held every ack, or at the end of the wait. */
  inHub?: ReadonlyMap<string, number>;
  hubError?: string;
  /** Since the restore began: when the hub held every publish the edge acknowledged before it. */
  caughtUpAfterMs?: number;
  catchUpTimeoutMs: number;
}

/** One stream's holding of the run: every acked publish in it, once. */
export interface HeldReport {
  messages: number;
  ackedMissing: number;
  duplicates: number;
}

export interface EdgeRunReport {
  site: string;
  published: number;
  acked: number;
  failed: number;
  /** The longest time the edge acknowledged nothing: what publishers at the site lived through. */
  longestGap: Gap;
  /** Undefined: that stream could not be read (its error is in failures). */
  atEdge?: HeldReport;
  inHub?: HeldReport;
  caughtUpAfterMs?: number;
}

export interface Gap {
  ms: number;
  /** Where the gap began and ended, ms since the load started. */
  fromMs: number;
  toMs: number;
}

export interface RegionReport {
  region: string;
  sent: number;
  answered: number;
  failed: Record<string, number>;
  answeredBy: Record<string, number>;
  longestGap: Gap;
  acked: number;
}

/** What one replica's own copy of the answers stream holds of the run. */
export interface CopyReport {
  server: string;
  /** Messages of the run in this copy (undefined: it could not be read). */
  messages?: number;
  /** Acknowledged publishes this copy lacks: must be 0. */
  ackedMissing?: number;
  /** Answers stored more than once in this copy: must be 0. */
  duplicates?: number;
  /** Same (sequence, id) pairs as most copies. */
  agrees?: boolean;
  error?: string;
}

export interface DrillReport {
  drill: string;
  seed: number;
  loadMs: number;
  fault: FaultRecord;
  regions: RegionReport[];
  /** Asking region -> answering region -> answers. */
  matrix: Record<string, Record<string, number>>;
  /** The longest gap of all answers together; `region`: the asking region whose own gap was longest. */
  longestGap: Gap & { region?: string };
  totals: { sent: number; answered: number; failed: number };
  acked: { significant: number; throwaway: number; total: number; deduplicated: number };
  /** Rows in MySQL for this run's message ids. */
  rows: number;
  /** Acknowledged significant answers with no row after the drain wait: must be 0. */
  ackedButMissing: number;
  missingExamples: string[];
  /** Rows whose publish never got its ack (stored all the same: not a loss, not a duplicate). */
  storedWithoutAck: number;
  drainMs: number;
  /** Answers stored more than once for one question of the run: must be 0. */
  duplicates: number;
  duplicateExamples: string[];
  /** Copies of the run's answers read back from the stream (undefined: it could not be read). */
  streamMessages?: number;
  /** Acknowledged publishes the stream does not hold: JetStream lost them. Must be 0. */
  ackedNotInStream?: number;
  streamError?: string;
  /** Every replica's copy, read from itself: each must hold every acked answer once, all alike. */
  copies?: CopyReport[];
  healthyAgain: boolean;
  healthyAfterMs?: number;
  healthTimeoutMs: number;
  unhealthy?: string[];
  edge?: EdgeRunReport;
  ok: boolean;
  /** Why the drill failed, one line each (empty when ok). */
  failures: string[];
}

/**
 * The longest stretch with no answer within [startMs, endMs]: from the start to the first answer,
 * between answers, and from the last answer to the end (a region that never recovered shows it).
 */
export function longestGap(timesMs: readonly number[], startMs: number, endMs: number): Gap {
  const points = [startMs, ...[...timesMs].filter((t) => t >= startMs && t <= endMs).sort((a, b) => a - b), endMs];
  let best: Gap = { ms: 0, fromMs: startMs, toMs: startMs };
  for (let i = 1; i < points.length; i++) {
    const ms = points[i]! - points[i - 1]!;
    if (ms > best.ms) best = { ms, fromMs: points[i - 1]!, toMs: points[i]! };
  }
  return { ms: Math.round(best.ms), fromMs: Math.round(best.fromMs), toMs: Math.round(best.toMs) };
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

export function buildReport(input: ReportInput): DrillReport {
  const regions = input.regions.map(
    (r): RegionReport => ({
      region: r.region,
      sent: r.sent,
      answered: r.answered,
      failed: r.failures,
      answeredBy: r.answeredBy,
      longestGap: longestGap(r.answerTimesMs, 0, input.loadMs),
      acked: r.acked.significant + r.acked.throwaway,
    }),
  );
  const matrix = Object.fromEntries(input.regions.map((r) => [r.region, { ...r.answeredBy }]));
  const overall = longestGap(
    input.regions.flatMap((r) => r.answerTimesMs),
    0,
    input.loadMs,
  );
  const worst = [...regions].sort((a, b) => b.longestGap.ms - a.longestGap.ms)[0];
  const stored = new Set(input.storedKeys);
  const acked = new Set(input.ackedSignificant);
  const missing = [...acked].filter((k) => !stored.has(k)).sort();
  const storedWithoutAck = [...stored].filter((k) => !acked.has(k)).length;
  // A question has one message id; a second copy of it in the stream is a second stored answer.
  const copies = input.streamCopies ? [...input.streamCopies].filter(([, n]) => n > 1).sort(([a], [b]) => a.localeCompare(b)) : [];
  const duplicates = sum(copies.map(([, n]) => n - 1));
  const lostFromStream = input.streamCopies ? input.acked.filter((id) => !input.streamCopies?.has(id)).length : 0;
  const ackedTotals = {
    significant: sum(input.regions.map((r) => r.acked.significant)),
    throwaway: sum(input.regions.map((r) => r.acked.throwaway)),
  };
  const failures: string[] = [];
  if (missing.length) failures.push(`${missing.length} acknowledged answer(s) not in MySQL after ${Math.round(input.drainMs / 1000)}s`);
  if (lostFromStream) failures.push(`${lostFromStream} acknowledged publish(es) not in the answers stream`);
  if (duplicates) failures.push(`${duplicates} answer(s) stored more than once in the answers stream`);
  if (input.streamCopies === undefined)
    failures.push(`the answers stream could not be read back to look for duplicates (${input.streamError ?? 'no answer'})`);
  const copyReports = input.copyReads ? copyReport(input.copyReads, input.acked) : undefined;
  for (const c of copyReports ?? []) {
    if (c.error) failures.push(`the copy on ${c.server} could not be read (${c.error})`);
    else if (c.ackedMissing || c.duplicates || !c.agrees)
      failures.push(
        `the copy on ${c.server} ${[
          c.ackedMissing ? `lacks ${c.ackedMissing} acknowledged publish(es)` : '',
          c.duplicates ? `holds ${c.duplicates} answer(s) twice` : '',
          c.agrees ? '' : 'differs from the other copies',
        ]
          .filter(Boolean)
          .join(', ')}`,
      );
  }
  if (input.healthyAfterMs === undefined) {
    failures.push(`status was not healthy within ${Math.round(input.healthTimeoutMs / 1000)}s of the restore`);
  }
  const edge = input.edge ? edgeRunReport(input.edge, input.loadMs, failures) : undefined;
  return {
    drill: input.drill,
    seed: input.seed,
    loadMs: Math.round(input.loadMs),
    fault: {
      actions: input.fault.actions,
      appliedAtMs: Math.round(input.fault.appliedAtMs),
      restoredAtMs: Math.round(input.fault.restoredAtMs),
      restoreMs: Math.round(input.fault.restoreMs),
      ...(input.fault.measured ? { measured: input.fault.measured } : {}),
    },
    regions,
    matrix,
    longestGap: { ...overall, ...(worst && worst.longestGap.ms > 0 ? { region: worst.region } : {}) },
    totals: {
      sent: sum(regions.map((r) => r.sent)),
      answered: sum(regions.map((r) => r.answered)),
      failed: sum(regions.map((r) => sum(Object.entries(r.failed).flatMap(([k, n]) => (k === 'publish' ? [] : [n]))))),
    },
    acked: {
      ...ackedTotals,
      total: ackedTotals.significant + ackedTotals.throwaway,
      deduplicated: sum(input.regions.map((r) => r.dedupedAcks)),
    },
    rows: stored.size,
    ackedButMissing: missing.length,
    missingExamples: missing.slice(0, 5),
    storedWithoutAck,
    drainMs: Math.round(input.drainMs),
    duplicates,
    duplicateExamples: copies.slice(0, 5).map(([id, n]) => `${id} x${n}`),
    ...(input.streamCopies ? { streamMessages: sum(input.streamCopies.values()), ackedNotInStream: lostFromStream } : {}),
    ...(input.streamError ? { streamError: input.streamError } : {}),
    ...(copyReports ? { copies: copyReports } : {}),
    healthyAgain: input.healthyAfterMs !== undefined,
    ...(input.healthyAfterMs !== undefined ? { healthyAfterMs: Math.round(input.healthyAfterMs) } : {}),
    healthTimeoutMs: input.healthTimeoutMs,
    ...(input.unhealthy?.length ? { unhealthy: input.unhealthy } : {}),
    ...(edge ? { edge } : {}),
    ok: failures.length === 0,
    failures,
  };
}

function held(copies: ReadonlyMap<string, number>, acked: readonly string[]): HeldReport {
  return {
    messages: sum(copies.values()),
    ackedMissing: acked.filter((id) => !copies.has(id)).length,
    duplicates: sum([...copies.values()].map((n) => n - 1)),
  };
}

/** Store and forward judged: the edge's stream and the hub's each hold every ack once, and the hub caught up. */
function edgeRunReport(e: EdgeRunInput, loadMs: number, failures: string[]): EdgeRunReport {
  const atEdge = e.atEdge ? held(e.atEdge, e.acked) : undefined;
  const inHub = e.inHub ? held(e.inHub, e.acked) : undefined;
  const judge = (where: string, h: HeldReport | undefined, error: string | undefined) => {
    if (!h) failures.push(`${where} could not be read (${error ?? 'no answer'})`);
    else if (h.ackedMissing || h.duplicates)
      failures.push(
        `${where} ${[
          h.ackedMissing ? `lacks ${h.ackedMissing} acknowledged publish(es)` : '',
          h.duplicates ? `holds ${h.duplicates} twice` : '',
        ]
          .filter(Boolean)
          .join(', ')}`,
      );
  };
  judge(`edge site ${e.site}'s own stream`, atEdge, e.edgeError);
  judge("the hub's edges stream", inHub, e.hubError);
  if (e.caughtUpAfterMs === undefined)
    failures.push(`the hub did not hold the edge's publishes within ${Math.round(e.catchUpTimeoutMs / 1000)}s of the restore`);
  if (!e.acked.length) failures.push(`edge site ${e.site} acknowledged no publish at all`);
  return {
    site: e.site,
    published: e.published,
    acked: e.acked.length,
    failed: e.failed,
    // From its first ack: the publisher connects to the edge after the regions' load began.
    longestGap: longestGap(e.ackTimesMs, Math.min(loadMs, ...e.ackTimesMs), loadMs),
    ...(atEdge ? { atEdge } : {}),
    ...(inHub ? { inHub } : {}),
    ...(e.caughtUpAfterMs !== undefined ? { caughtUpAfterMs: Math.round(e.caughtUpAfterMs) } : {}),
  };
}

/** Each copy against the acked publishes and against the others (the digest most copies share). */
function copyReport(reads: NonNullable<ReportInput['copyReads']>, acked: readonly string[]): CopyReport[] {
  const votes = new Map<string, number>();
  for (const r of reads) if (r.digest) votes.set(r.digest, (votes.get(r.digest) ?? 0) + 1);
  const common = [...votes].sort((a, b) => b[1] - a[1])[0];
  // With two digests tied for most, no copy can be called the odd one: all are flagged.
  const tied = [...votes.values()].filter((n) => n === common?.[1]).length > 1;
  return reads.map((r): CopyReport => {
    if (!r.copies) return { server: r.server, error: r.error ?? 'not read' };
    const copies = r.copies;
    return {
      server: r.server,
      messages: sum(copies.values()),
      ackedMissing: acked.filter((id) => !copies.has(id)).length,
      duplicates: sum([...copies.values()].map((n) => n - 1)),
      agrees: !tied && r.digest === common?.[0],
    };
  });
}

/** The drill's tables: the first column names the row, the others are figures. */
const table = (header: string[], rows: string[][]) => plainTable(header, rows, ['left', ...header.slice(1).map(() => 'right' as const)]);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const gapText = (g: Gap) => `${g.ms} ms (${seconds(g.fromMs)}-${seconds(g.toMs)})`;

function failedText(failed: Record<string, number>): string {
  const parts = Object.entries(failed)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`);
  return parts.join(', ') || '-';
}

function edgeLines(e: EdgeRunReport, verdict: (good: boolean) => string): string[] {
  const heldText = (h: HeldReport | undefined) =>
    h
      ? `${h.messages} messages of this run, ${h.ackedMissing} acked missing, ${h.duplicates} duplicates  ${verdict(!h.ackedMissing && !h.duplicates)}`
      : 'unreadable  FAIL';
  return [
    `edge site ${e.site}:`.padEnd(28) +
      `${e.published} published at the edge, ${e.acked} acked, ${e.failed} failed; longest without an ack ${gapText(e.longestGap)}`,
    `  in its own stream:        ${heldText(e.atEdge)}`,
    `  in the hub's edges:       ${heldText(e.inHub)}`,
    `  hub caught up:            ${e.caughtUpAfterMs !== undefined ? `${seconds(e.caughtUpAfterMs)} after the restore  ok` : 'not in time  FAIL'}`,
  ];
}

/** The report as a person reads it: the load per region, who answered whom, then the verdicts. */
export function renderReport(r: DrillReport): string {
  const answering = [...new Set(Object.values(r.matrix).flatMap((row) => Object.keys(row)))].sort();
  const loadTable = table(
    ['asking', 'sent', 'answered', 'failed', ...answering.map((a) => `by ${a}`), 'longest gap', 'acked'],
    r.regions.map((g) => [
      g.region,
      String(g.sent),
      String(g.answered),
      failedText(g.failed),
      ...answering.map((a) => String(r.matrix[g.region]?.[a] ?? 0)),
      `${g.longestGap.ms} ms`,
      String(g.acked),
    ]),
  );
  const verdict = (good: boolean) => (good ? 'ok' : 'FAIL');
  const worst = r.regions.find((g) => g.region === r.longestGap.region);
  const lines = [
    `drill ${r.drill} (seed ${r.seed}): load ${seconds(r.loadMs)}, fault at ${seconds(r.fault.appliedAtMs)}, restored at ${seconds(r.fault.restoredAtMs)} (restore took ${seconds(r.fault.restoreMs)})`,
    ...r.fault.actions.map((a) => `  ${a}`),
    '',
    loadTable,
    '',
    `longest gap in answers:     ${gapText(r.longestGap)} overall${worst ? `; ${gapText(worst.longestGap)} asking from ${worst.region}` : ''}`,
    `requests:                   ${r.totals.sent} sent, ${r.totals.answered} answered, ${r.totals.failed} failed`,
    `JetStream publishes acked:  ${r.acked.total} (significant ${r.acked.significant}, throwaway ${r.acked.throwaway}; ${r.acked.deduplicated} retries deduplicated)`,
    `rows in MySQL for this run: ${r.rows}${r.storedWithoutAck ? ` (${r.storedWithoutAck} stored though their ack never came)` : ''}`,
    `acked but missing:          ${r.ackedButMissing}  ${verdict(r.ackedButMissing === 0)}${r.missingExamples.length ? ` e.g. ${r.missingExamples.join(', ')}` : ''}`,
    ...(r.ackedNotInStream ? [`acked but not in stream:    ${r.ackedNotInStream}  FAIL`] : []),
    `duplicates:                 ${r.streamMessages === undefined ? `unknown (${r.streamError ?? 'stream not read'})  FAIL` : `${r.duplicates}  ${verdict(r.duplicates === 0)} (${r.streamMessages} stream messages of this run)`}${r.duplicateExamples.length ? ` e.g. ${r.duplicateExamples.join(', ')}` : ''}`,
    ...(r.copies ?? []).map(
      (c) =>
        `copy on ${`${c.server}:`.padEnd(19)} ${
          c.error
            ? `unreadable (${c.error})  FAIL`
            : `${c.messages} messages of this run, ${c.ackedMissing} acked missing, ${c.duplicates} duplicates, ${c.agrees ? 'same as the others' : 'DIFFERS from the others'}  ${verdict(!c.ackedMissing && !c.duplicates && !!c.agrees)}`
        }`,
    ),
    `healthy again:              ${r.healthyAfterMs !== undefined ? `after ${seconds(r.healthyAfterMs)}  ok` : `not within ${seconds(r.healthTimeoutMs)}  FAIL`}`,
    ...(r.unhealthy ?? []).map((p) => `  - ${p}`),
    ...(r.edge ? edgeLines(r.edge, verdict) : []),
    '',
    r.ok ? 'drill passed: nothing acknowledged was lost or stored twice' : `drill FAILED: ${r.failures.join('; ')}`,
  ];
  return lines.join('\n');
}
