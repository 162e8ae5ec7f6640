// The revoke drill (operator mode): a user the drill adds for load clients of its own, one per
// region beside the requester's, is revoked under load. The sandbox's own users and services are
// untouched. What it measures: every server closing the user's connection (the last one's time),
// every server refusing a new one, and, like every drill, nothing acknowledged lost or stored twice.
import { existsSync } from 'node:fs';
import { UsageError } from '../../../core/errors.js';
import { commandHint } from '../../../core/hint.js';
import { addUser, jwtPaths } from '../../../core/jwt-store.js';
import { USERS } from '../../../nats/accounts.js';
import { clientEnvFor, connectionFromEnv } from '../../../nats/live/client.js';
import type { Credentials } from '../../../nats/server-config.js';
import { APP_ACCOUNT } from '../../../nats/topology.js';
import { revoke } from '../accounts.js';
import type { LocalState } from '../state.js';
import { regionClientUrls } from '../supercluster.js';
import type { Fault, FaultContext } from './fault.js';
import type { LoadRegion } from './load.js';

/** How long every server gets to close the user's connections and refuse new ones. */
const REVOKE_TIMEOUT_MS = 30_000;

/** Revoking a user needs operator mode; an mTLS sandbox has users in every server's config instead. */
export function checkRevoke(state: LocalState, names: readonly string[]): void {
  if (state.auth === 'jwt') return;
  throw new UsageError(
    `revoke revokes a user live, which needs operator mode; this sandbox runs mTLS (users mapped from certificates in every server's config)\nfix: ${commandHint('delete')}, then ${commandHint('install', names)} --auth jwt (or use another SANDBOX_DIR)`,
  );
}

export function revokeFault(ctx: FaultContext): Fault {
  const user = `drill-${Date.now().toString(36)}`;
  const requester = USERS.find((u) => u.identity === 'requester')!;
  let measured: Record<string, unknown> | undefined;
  const creds = () => jwtPaths(ctx.sandboxDir).creds(user);
  return {
    // The user, with the requester's permissions, and its load client in every region.
    async load(): Promise<LoadRegion[]> {
      const file = await addUser(ctx.sandboxDir, user, APP_ACCOUNT, requester.permissions);
      const asUser: Credentials = { ...ctx.credentials, clientCreds: { requester: file } };
      return ctx.state.names.map((region) => ({
        region: `${region} as ${user}`,
        connection: connectionFromEnv(
          clientEnvFor(asUser, 'requester', regionClientUrls(ctx.topo, ctx.state, region)),
          `drill-${user}-${region}`,
        ),
        endsWhenClosed: true,
      }));
    },
    async apply() {
      const r = await revoke(ctx.topo, ctx.state, ctx.sandboxDir, user, REVOKE_TIMEOUT_MS);
      measured = {
        user: r.user,
        servers: r.servers,
        pushedTo: r.pushedTo,
        lastClosedMs: r.lastClosedMs,
        lastClosedServer: r.lastClosedServer,
        lastRefusedMs: r.lastRefusedMs,
        closedAfterMs: r.closedAfterMs,
        refusedAfterMs: r.refusedAfterMs,
      };
      return [
        `revoked ${user} (${r.account}), whose clients carried part of the load; its account JWT pushed to ${r.pushedTo} of ${r.servers} servers`,
        `its connections closed by all ${r.servers} servers, the last after ${r.lastClosedMs} ms (${r.lastClosedServer})`,
        `a new connection with its creds refused by all ${r.servers} servers, checked by ${r.lastRefusedMs} ms`,
      ];
    },
    // Nothing to restore: the sandbox's own users were never touched. A drill stopped before the
    // revocation revokes its user here, so no drill user outlives its drill.
    async restore() {
      if (existsSync(creds())) await revoke(ctx.topo, ctx.state, ctx.sandboxDir, user, REVOKE_TIMEOUT_MS);
    },
    measured: () => measured,
    manualFix: commandHint('accounts', ['revoke', user]),
  };
}
