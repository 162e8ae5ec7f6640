// Is the recording path working? The recorder processes stage 08 started, the database they write
// to (reachable as the recorder logs in, rows, last write), and the answers still waiting in the
// durable consumer. A failure here is named in status, with the command that fixes it.
import { commandHint } from '../../core/hint.js';
import { ANSWERS_CONSUMER, ANSWERS_STREAM } from '../../nats/accounts.js';
import type { ConsumerView, JetStreamView, ObservationSection } from '../../nats/observation.js';
import type { Topology } from '../../nats/topology.js';
import { mysqlProblem, privateMysqlPid, type RecordedRows, recordedRows, recorderDatabase } from './mysql.js';
import { processesOnDisk } from './reconciler.js';
import { serviceGroup } from './state.js';

/** `jetstream`: the observation's JetStream view, which holds the recorders' consumer. */
export async function recordingSection(
  sandboxDir: string,
  env: NodeJS.ProcessEnv,
  topo: Topology,
  jetstream: JetStreamView | undefined,
): Promise<ObservationSection | undefined> {
  // Stage 08 runs recorders when it has a database: MYSQL_URL, or the private one it made.
  const services = processesOnDisk(serviceGroup(sandboxDir));
  const database = recorderDatabase(sandboxDir, env);
  if (!services.length || !database) return undefined;
  const fix = commandHint('08-services', topo.names);
  const problems: string[] = [];
  const { url, external } = database;
  let rows: RecordedRows | undefined;
  if (!external && !privateMysqlPid(sandboxDir)) {
    problems.push(`the private MariaDB is not running, so nothing is recorded; fix: ${fix} starts it again`);
  } else {
    const why = await mysqlProblem(url);
    if (why) problems.push(`the recorders cannot write: ${why}; fix: ${external ? 'correct MYSQL_URL, then ' : ''}${fix}`);
    else rows = await recordedRows(url).catch(() => undefined);
  }
  const consumer: ConsumerView | string =
    jetstream?.streams.find((x) => x.name === ANSWERS_STREAM)?.consumers.find((c) => c.name === ANSWERS_CONSUMER) ??
    (jetstream ? `no ${ANSWERS_STREAM}/${ANSWERS_CONSUMER}` : 'JetStream did not answer');
  const waiting = typeof consumer === 'string' ? undefined : consumer.pending + consumer.ackPending;
  if (problems.length && waiting) problems[0] += ` (${waiting} answers wait in ${ANSWERS_STREAM}/${ANSWERS_CONSUMER})`;
  const consumerText =
    typeof consumer === 'string'
      ? `consumer ${ANSWERS_CONSUMER}: not readable (${consumer})`
      : `consumer ${ANSWERS_CONSUMER}: ${consumer.pending} pending, ${consumer.ackPending} awaiting ack, ${consumer.redelivered} redelivered`;
  const dbText = rows ? `MySQL ${rows.rows} rows, last write ${rows.lastWrite ?? 'never'}` : 'MySQL not reachable';
  return {
    name: 'recording',
    problems: problems.map((text) => ({ text })),
    json: { recording: { mysql: rows ? { reachable: true, ...rows } : { reachable: false }, consumer } },
    text: [`recording: ${dbText}; ${consumerText}`],
  };
}
