// Entry point of every service process, local or in a pod:
//   node --import tsx services/main.ts <adder|subtractor|multiplier|divider|recorder> [--state-dir DIR]
//   node --import tsx services/main.ts requester --from c1 --count 100 [--json]
//   node --import tsx services/main.ts jetstream-apply --names c1,c2,c3 [--replicas ...]  (stage 07's Job)
// Connection from NATS_URL/NATS_USER/NATS_PASSWORD/NATS_TLS_DIR; REGION and INSTANCE name it;
// the recorder reads MYSQL_URL. --state-dir only marks the process as the sandbox's.

import { hostname } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { connectionFromEnv } from '../nats/live/client.js';
import { operationByService, SERVICE_NAMES } from './math/operations.js';
import { startMathService } from './math/service.js';
import { startRecorderService } from './recorder/service.js';
import { requestMain } from './requester/cli.js';

function say(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function connectForever(name: string): Promise<NatsConnection> {
  // Services outlive server restarts: reconnect without limit.
  const nc = await connect({
    ...connectionFromEnv(process.env, name),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    timeout: 5000,
  });
  (async () => {
    for await (const s of nc.status()) if (s.type === 'disconnect' || s.type === 'reconnect') say(`nats ${s.type}`);
  })().catch(() => undefined);
  return nc;
}

function onStop(fn: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string) => {
    if (stopping) return;
    stopping = true;
    say(`${sig}: stopping`);
    fn().then(
      () => process.exit(0),
      (e) => {
        say(`stop failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

async function main(argv: string[]): Promise<number> {
  const [role, ...rest] = argv;
  if (role === 'requester') return requestMain(rest);
  // Loaded only for this role: the long-running services stay lean.
  if (role === 'jetstream-apply') return (await import('./jetstream-apply.js')).jetstreamApplyMain(rest, say);
  const region = process.env.REGION ?? 'unknown';
  const instance = process.env.INSTANCE || hostname();
  if (role && SERVICE_NAMES.includes(role)) {
    const op = operationByService(role);
    const nc = await connectForever(`${role}-${instance}`);
    const service = await startMathService(nc, op, { region, instance });
    say(`${role} ready in ${region} as ${instance} (service id ${service.info().id})`);
    onStop(async () => {
      await service.stop();
      await nc.drain();
    });
    return new Promise<number>(() => undefined);
  }
  if (role === 'recorder') {
    const nc = await connectForever(`recorder-${instance}`);
    const stopping = new AbortController();
    const done = startRecorderService(nc, { region, instance, mysqlUrl: process.env.MYSQL_URL ?? '', signal: stopping.signal, log: say });
    onStop(async () => {
      stopping.abort();
      await done;
      await nc.drain();
    });
    await done;
    return 0;
  }
  process.stderr.write(
    `usage: services/main.ts <${[...SERVICE_NAMES, 'recorder', 'requester', 'jetstream-apply'].join('|')}> [--state-dir DIR]\n`,
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    say(`fatal: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
