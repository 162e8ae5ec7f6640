// The browser's side of test/integration/websocket.test.ts: nats.js over a websocket (bundled by
// the test with esbuild), logged in with the short-lived user the page was given (its JWT and its
// own seed, nothing of its account's), asking a math service and showing the answer.
// nats-core: the transport-free core of nats.js that @nats-io/transport-node is built on (the
// version its lock pins); transport-node itself needs Node's sockets, which a browser lacks.
import { credsAuthenticator, wsconnect } from '@nats-io/nats-core';

const $ = (id) => document.getElementById(id);

async function main() {
  const config = JSON.parse($('config').textContent);
  $('status').textContent = `connecting to ${config.url}`;
  const nc = await wsconnect({
    servers: [config.url],
    authenticator: credsAuthenticator(new TextEncoder().encode(config.creds)),
    // The only inbox this user may subscribe to.
    inboxPrefix: config.inboxPrefix,
    reconnect: false,
    timeout: 10_000,
  });
  $('status').textContent = `connected to ${nc.info?.server_name ?? config.url}`;
  const reply = await nc.request('math.numbers.multiply', JSON.stringify({ first: 6, second: 7 }), { timeout: 10_000 });
  const { result } = reply.json();
  $('answer').textContent = String(result);
  $('answer').dataset.server = nc.info?.server_name ?? '';
  // What it may not do: publish anywhere but the math services.
  try {
    await nc.request('answers.significant', '{}', { timeout: 5000 });
    $('refused').textContent = 'allowed';
  } catch (e) {
    $('refused').textContent = e.message;
  }
  await nc.close();
}

main().catch((e) => {
  $('status').textContent = `failed: ${e.message}`;
});
