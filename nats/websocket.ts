// Websocket clients in operator mode (--auth jwt). Pure.
// Each region's client-facing (seed) servers listen for websockets with TLS, beside their client
// port: a browser or any websocket client logs in with a user JWT and its seed as a TCP client
// does. Only in operator mode: a browser cannot present the client certificate the mTLS mode maps
// to users (the WebSocket API has no way to choose one), and that mode has no other login.
// The browser's user: a short-lived JWT of the application account that may ask the math
// services and read its own replies, over a websocket only.
import type { ConnectionType } from '@nats-io/jwt';
import type { Permissions } from './accounts.js';
import type { ConfValue } from './conf.js';
import type { ServerTls } from './server-config.js';
import type { ServerSpec, Topology } from './topology.js';

/** Servers with a websocket listener: every region's seed servers (where its clients connect). */
export function websocketListeners(topo: Topology): ServerSpec[] {
  return topo.servers.filter((s) => s.role === 'seed');
}

/**
 * A server's websocket block: TLS with the server's certificate (no client certificate asked for:
 * the user JWT is the login), on `host:port`. nats-server refuses a websocket without TLS unless
 * told `no_tls` (server/websocket.go validateWebsocketOptions).
 */
export function websocketConfig(host: string, port: number, tls: ServerTls): Record<string, ConfValue> {
  return {
    host,
    port,
    tls: { cert_file: tls.certFile, key_file: tls.keyFile },
    // Within the client TLS timeout the other listeners use.
    handshake_timeout: '5s',
  };
}

/** The URL a websocket client dials. */
export function websocketUrl(host: string, port: number): string {
  return `wss://${host}:${port}`;
}

/** The subjects the math services answer on (services/math/operations.ts: math.numbers.<op>). */
export const MATH_SUBJECTS = 'math.numbers.>';

/**
 * The inbox prefix of a browser user, from a token minted with it: its own, so it reads the
 * replies to its requests and not those of any other client of the account (`_INBOX.>` would let
 * it read them all). A client sets it as nats.js's `inboxPrefix`.
 */
export function browserInboxPrefix(token: string): string {
  return `_INBOX_${token}`;
}

/** What a browser user may do: ask the math services, receive its replies, nothing else. */
export function browserPermissions(inboxPrefix: string): Permissions {
  return { publish: [MATH_SUBJECTS], subscribe: [`${inboxPrefix}.>`] };
}

/** nats-server's name of the websocket connection type (jwt: ConnectionTypeWebsocket). */
export const WEBSOCKET_CONNECTION: ConnectionType = 'WEBSOCKET';
