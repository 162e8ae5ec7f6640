// A nats.js client over a websocket, run as its own process by test/integration/websocket.test.ts:
// Node 20 has its WebSocket only behind --experimental-websocket, and trusts the sandbox CA only
// through NODE_EXTRA_CA_CERTS, both read at start. Prints one JSON line of what it saw.
//   node [--experimental-websocket] --import tsx test/support/ws-probe.ts '{"mode":"ask",...}'
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
// transport-node re-exports nats-core's websocket client (wsconnect): it needs no Node socket.
import { credsAuthenticator, type NatsConnection, wsconnect } from '@nats-io/transport-node';

interface Probe {
  /** ask: the math services, then what is refused; expire: ask, then wait to be cut off and refused. */
  mode: 'ask' | 'expire';
  url: string;
  creds: string;
  inboxPrefix: string;
  /** expire: how long to wait, at most. */
  timeoutMs?: number;
  /** expire: when the user expires (seconds since the epoch), to report when the server acted. */
  expiresAt?: number;
}

const probe = JSON.parse(process.argv[2] ?? '{}') as Probe;
const message = (e: unknown) => String((e as Error)?.message ?? e);

function connectWs(): Promise<NatsConnection> {
  return wsconnect({
    servers: [probe.url],
    authenticator: credsAuthenticator(readFileSync(probe.creds)),
    inboxPrefix: probe.inboxPrefix,
    reconnect: false,
    timeout: 5000,
  });
}

async function ask(nc: NatsConnection): Promise<unknown> {
  const r = await nc.request('math.numbers.add', JSON.stringify({ first: 20, second: 22 }), { timeout: 5000 });
  return r.json<{ result: number }>().result;
}

/** What the server says when `nc` does something it may not: the error of that request, or of the subscription. */
async function refusedRequest(nc: NatsConnection, subject: string): Promise<string> {
  try {
    await nc.request(subject, '{}', { timeout: 3000 });
    return 'allowed';
  } catch (e) {
    return message(e);
  }
}

async function refusedSubscribe(nc: NatsConnection, subject: string): Promise<string> {
  const sub = nc.subscribe(subject);
  // nats.js resolves `closed` with the error that closed the subscription.
  const closed = sub.closed.then(
    (e) => (e ? message(e) : 'closed without an error'),
    (e: unknown) => message(e),
  );
  return Promise.race([closed, sleep(3000, undefined, { ref: false }).then(() => 'allowed')]);
}

/** Why the server closed `nc`, if it did within a second. */
function closedReason(nc: NatsConnection): Promise<string> {
  return Promise.race([
    nc.closed().then((e) => (e ? message(e) : 'closed without an error')),
    sleep(1000, undefined, { ref: false }).then(() => 'still open'),
  ]);
}

async function main(): Promise<Record<string, unknown>> {
  const nc = await connectWs();
  // A request cut short by the connection closing says only that: the reason is the close's.
  const answer = await ask(nc).catch(async (e: unknown) => {
    throw new Error(`${message(e)}: ${await closedReason(nc)}`);
  });
  if (probe.mode === 'ask') {
    const publish = await refusedRequest(nc, 'answers.significant');
    const subscribe = await refusedSubscribe(nc, 'answers.*');
    const otherInbox = await refusedSubscribe(nc, '_INBOX.>');
    // Still connected after the refusals: they are refusals, not a disconnect.
    const again = await ask(nc);
    await nc.close();
    return { answer, publish, subscribe, otherInbox, again };
  }
  // expire: the server closes the connection when the JWT expires; then refuses a new one.
  const deadline = Date.now() + (probe.timeoutMs ?? 60_000);
  const closed = await Promise.race([
    nc.closed().then((e) => (e ? message(e) : 'closed without an error')),
    // Unref'd: a bound, not a reason for this process to stay once it has its answer.
    sleep(probe.timeoutMs ?? 60_000, undefined, { ref: false }).then(() => undefined),
  ]);
  // For the record: milliseconds from the expiry the JWT names until the server closed it.
  const closedAfterMs = probe.expiresAt ? Date.now() - probe.expiresAt * 1000 : undefined;
  for (;;) {
    try {
      const again = await connectWs();
      await again.close();
    } catch (e) {
      return { answer, closed, closedAfterMs, refused: message(e) };
    }
    if (Date.now() > deadline) return { answer, closed, closedAfterMs, refused: undefined };
    await sleep(200);
  }
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e) => {
    process.stdout.write(`${JSON.stringify({ error: message(e) })}\n`);
    process.exitCode = 1;
  },
);
