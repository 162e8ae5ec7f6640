// Push an account JWT to the resolver of every server ($SYS.REQ.CLAIMS.UPDATE through the system
// account): each server with a full resolver stores it and applies it at once (limits, revoked
// users disconnected), with no restart. One publish reaches every server of the supercluster.
import type { NatsConnection } from '@nats-io/transport-node';

interface ClaimsReply {
  server?: { name: string };
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

export interface PushResult {
  /** Servers that stored the JWT. */
  accepted: string[];
  /** Servers that refused it, with their reason. */
  refused: { server: string; reason: string }[];
}

/** Send `jwt` to every server and collect their answers (up to `expected`, within `waitMs`). */
export async function pushAccountJwt(nc: NatsConnection, jwt: string, expected: number, waitMs = 3000): Promise<PushResult> {
  const out: PushResult = { accepted: [], refused: [] };
  const replies = await nc.requestMany('$SYS.REQ.CLAIMS.UPDATE', jwt, { strategy: 'count', maxMessages: expected, maxWait: waitMs });
  for await (const m of replies) {
    let r: ClaimsReply;
    try {
      r = m.json<ClaimsReply>();
    } catch {
      continue;
    }
    const server = r.server?.name ?? '?';
    if (r.error) out.refused.push({ server, reason: r.error.description ?? `code ${r.error.code}` });
    else out.accepted.push(server);
  }
  return out;
}
