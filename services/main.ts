// Entry point of every service process, local or in a pod, run from its build (services/build.ts:
// dist/services/<build>/main.mjs locally, /app/main.mjs in the image):
//   node main.mjs <adder|subtractor|multiplier|divider|recorder> [--state-dir DIR]
//   node main.mjs host --roles adder,subtractor,multiplier,divider,recorder [--state-dir DIR]
//     (several roles in one process, as the local sandbox runs them: one per region)
//   node main.mjs requester --from c1 --count 100 [--json]
//   node main.mjs jetstream-apply --names c1,c2,c3 [--replicas ...]  (stage 07's Job)
// Connection from NATS_URL/NATS_USER/NATS_PASSWORD/NATS_TLS_DIR (in a host, the recorder's from
// RECORDER_NATS_*); REGION and INSTANCE name it (in a host INSTANCE names the process and each
// role is <region>-<role>-<SERVICE_INDEX>); the recorder reads MYSQL_URL. --state-dir only marks
// the process as the sandbox's.

import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { Service } from '@nats-io/services';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { wholeNumber } from '../core/settings.js';
import { connectionFromEnv, scopedClientEnv } from '../nats/live/client.js';
import { HOSTABLE_ROLES, parseRoles, roleInstance, rolePrefix } from './host.js';
import { operationByService, SERVICE_NAMES } from './math/operations.js';
import { startMathService } from './math/service.js';
import { startRecorderService } from './recorder/service.js';

function say(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function connectForever(name: string, prefix?: string): Promise<NatsConnection> {
  // Services outlive server restarts: reconnect without limit.
  const env = prefix ? scopedClientEnv(process.env, prefix) : process.env;
  const nc = await connect({
    ...connectionFromEnv(env, name),
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

/** Several roles in one process, every role with its own connection and instance name. */
async function host(argv: string[], region: string, processName: string): Promise<number> {
  let roles: string[];
  let index: number;
  try {
    const { values } = parseArgs({ args: argv, options: { roles: { type: 'string' }, 'state-dir': { type: 'string' } }, strict: true });
    roles = parseRoles(values.roles);
    index = wholeNumber(process.env, 'SERVICE_INDEX', 0, 0);
  } catch (e) {
    process.stderr.write(`host: ${(e as Error).message}\n`);
    return 2;
  }
  const math = roles.filter((r) => SERVICE_NAMES.includes(r));
  const services: Service[] = [];
  const conns: NatsConnection[] = [];
  // One connection per role: the server lets a connection answer each discovery request once
  // (allow_responses), so services sharing a connection would hide each other from discovery.
  await Promise.all(
    math.map(async (role) => {
      const nc = await connectForever(`${processName}-${role}`);
      conns.push(nc);
      services.push(
        await startMathService(nc, operationByService(role), { region, instance: roleInstance(region, role, index) }, processName),
      );
    }),
  );
  if (math.length) say(`${math.join(', ')} ready in ${region} (process ${processName})`);
  const stopping = new AbortController();
  let recording: Promise<unknown> = Promise.resolve();
  if (roles.includes('recorder')) {
    const nc = await connectForever(`${processName}-recorder`, rolePrefix('recorder'));
    conns.push(nc);
    const instance = roleInstance(region, 'recorder', index);
    recording = startRecorderService(nc, {
      region,
      instance,
      process: processName,
      mysqlUrl: process.env.MYSQL_URL ?? '',
      signal: stopping.signal,
      log: (l) => say(`recorder: ${l}`),
    });
  }
  onStop(async () => {
    stopping.abort();
    await Promise.all(services.map((s) => s.stop().catch(() => undefined)));
    await recording;
    await Promise.all(conns.map((c) => c.drain().catch(() => undefined)));
  });
  // The recorder ends only when stopped, or when it cannot run at all: then the whole host fails
  // loudly rather than keep answering math without recording.
  await recording;
  return new Promise<number>(() => undefined);
}

async function main(argv: string[]): Promise<number> {
  const [role, ...rest] = argv;
  // Loaded only for their role: the long-running services stay lean (the requester's output
  // brings zx's chalk, the apply the JetStream spec).
  if (role === 'requester') return (await import('./requester/cli.js')).requestMain(rest);
  if (role === 'jetstream-apply') return (await import('./jetstream-apply.js')).jetstreamApplyMain(rest, say);
  const region = process.env.REGION ?? 'unknown';
  const instance = process.env.INSTANCE || hostname();
  if (role === 'host') return host(rest, region, instance);
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
    `usage: main.mjs <${[...SERVICE_NAMES, 'recorder', 'requester', 'jetstream-apply'].join('|')}> [--state-dir DIR]\n` +
      `       main.mjs host --roles <${HOSTABLE_ROLES.join(',')}> [--state-dir DIR]\n`,
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
