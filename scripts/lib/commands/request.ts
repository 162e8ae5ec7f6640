// request: the requester of services/ run from this machine against the local sandbox: the asking
// region's seed servers as the requester user, and the MySQL the recorder writes to.
import { recorderDatabase } from '../../../cluster/local/mysql.js';
import { readLocalState } from '../../../cluster/local/state.js';
import { localClientEnv } from '../../../cluster/local/supercluster.js';
import { wanSection } from '../../../cluster/local/wan/section.js';
import { commandHint } from '../../../core/hint.js';
import { loadCredentials } from '../../../core/secrets.js';
import type { Settings } from '../../../core/settings.js';
import { connectionFromEnv } from '../../../nats/live/client.js';
import { resolveTopology } from '../../../nats/topology.js';
import {
  REQUEST_FLAGS,
  REQUEST_SUMMARY,
  type RequestArgs,
  type RequestTarget,
  RequestUsageError,
  requestArgs,
  runRequest,
} from '../../../services/requester/cli.js';
import { plainCommand } from '../command.js';

function localTarget(settings: Settings): (args: RequestArgs) => RequestTarget {
  return (args) => {
    const state = readLocalState(settings.sandboxDir);
    if (!state) {
      throw new RequestUsageError(
        `no local sandbox in ${settings.sandboxDir} and NATS_URL is not set; run install first (${commandHint('install', ['c1', 'c2', 'c3'])}) or set NATS_URL`,
      );
    }
    const places = [...state.names, ...(state.edges ?? []).map((e) => e.name)];
    if (!places.includes(args.from))
      throw new RequestUsageError(`--from ${args.from} is not a cluster or edge site of this sandbox (${places.join(', ')})`);
    const topo = resolveTopology({ names: [], saved: state });
    const credentials = loadCredentials(settings.sandboxDir, settings.env, false);
    const mysqlUrl = recorderDatabase(settings.sandboxDir, settings.env)?.url;
    return {
      connection: connectionFromEnv({ ...localClientEnv(topo, state, credentials, 'requester', args.from) }, `requester-${args.from}`),
      ...(mysqlUrl ? { mysqlUrl } : {}),
      underlyingFault: () => wanSection(settings.sandboxDir)?.problems.find((p) => p.underlies)?.text,
    };
  };
}

export const command = plainCommand({
  name: 'request',
  summary: REQUEST_SUMMARY,
  usage: '--from <cluster> [flags]',
  positionals: 'none',
  flags: REQUEST_FLAGS,
  quiet: (o) => o.json,
  check: (o) => void requestArgs(o),
  run: ({ options, settings }) => runRequest(requestArgs(options), settings.env, localTarget(settings)),
});
