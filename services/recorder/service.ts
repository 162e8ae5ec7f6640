// The recorder as a process: visible to the services framework discovery (name recorder-<region>)
// while it copies answers into MySQL.
import type { NatsConnection } from '@nats-io/transport-node';
import { svcm } from '../../nats/live/services-framework.js';
import { parseMysqlUrl } from './mysql-url.js';
import { type RecorderStats, runRecorder } from './recorder.js';

export interface RecorderServiceOptions {
  region: string;
  instance: string;
  /** The process hosting it, when that is not the instance itself (the local services host). */
  process?: string;
  mysqlUrl: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

export async function startRecorderService(nc: NatsConnection, opts: RecorderServiceOptions): Promise<RecorderStats> {
  if (!opts.mysqlUrl) throw new Error('MYSQL_URL is not set (mysql://user:password@host:3306/answers)');
  const mysql = parseMysqlUrl(opts.mysqlUrl);
  const service = await svcm(nc).add({
    name: `recorder-${opts.region}`,
    version: '1.0.0',
    description: `answers-consumer into MySQL ${mysql.database}.significant (region ${opts.region})`,
    metadata: {
      region: opts.region,
      instance: opts.instance,
      database: `${mysql.host}:${mysql.port}/${mysql.database}`,
      ...(opts.process ? { process: opts.process } : {}),
    },
  });
  try {
    const stats = await runRecorder({ nc, mysql, log: opts.log, signal: opts.signal });
    opts.log(`stopped: ${stats.inserted} inserted, ${stats.duplicates} duplicates ignored, ${stats.terminated} terminated`);
    return stats;
  } finally {
    await service.stop().catch(() => undefined);
  }
}
