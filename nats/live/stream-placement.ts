// Where a stream lives, as its JetStream API reports it: the one reading that the stage's wait,
// the leader move and the benches share.
import type { NatsConnection } from '@nats-io/transport-node';

/** The one call this needs of a connection (the account's JetStream API through it). */
export type JsApi = Pick<NatsConnection, 'request'>;

/** A stream's leader (none during an election), every server holding a replica, and the followers not caught up. */
export interface StreamPlacement {
  cluster?: string;
  leader?: string;
  servers: string[];
  /** Followers that are not current with the leader (catching up, or cut off). */
  behind: string[];
}

/** The part of a stream info this reads (StreamInfo of @nats-io/jetstream fits). */
export interface StreamClusterInfo {
  cluster?: { name?: string; leader?: string; replicas?: readonly { name: string; current?: boolean }[] };
}

/** The error a JetStream API reply carries. */
export interface ApiError {
  code?: number;
  description?: string;
}

/** How long a JetStream API request of these modules waits. */
export const API_TIMEOUT_MS = 5000;

/** The placement a stream info describes. Pure. */
export function placementOf(info: StreamClusterInfo): StreamPlacement {
  const c = info.cluster;
  const leader = c?.leader || undefined;
  const replicas = c?.replicas ?? [];
  const servers = [...new Set([...(leader ? [leader] : []), ...replicas.map((r) => r.name)])].sort();
  const behind = replicas
    .filter((r) => !r.current)
    .map((r) => r.name)
    .sort();
  return { ...(c?.name ? { cluster: c.name } : {}), ...(leader ? { leader } : {}), servers, behind };
}

/** The server's refusal of a JetStream API request, with its error code (404: no such stream). */
export class ApiRefusal extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** The stream's placement as its JetStream API reports it now. */
export async function streamPlacement(nc: JsApi, stream: string): Promise<StreamPlacement> {
  const reply = (await nc.request(`$JS.API.STREAM.INFO.${stream}`, '', { timeout: API_TIMEOUT_MS })).json<
    StreamClusterInfo & { error?: ApiError }
  >();
  if (reply.error) throw new ApiRefusal(`stream ${stream}: ${reply.error.description ?? 'error'}`, reply.error.code);
  return placementOf(reply);
}
