// `request`: the requester of services/ run from this machine against the local sandbox: the
// asking region's seed servers as the requester user, and the MySQL the recorder writes to.
import { privateMysqlUrl } from '../../../cluster/local/mysql.js';
import { readLocalState } from '../../../cluster/local/state.js';
import { localClientEnv } from '../../../cluster/local/supercluster.js';
import { loadCredentials } from '../../../core/secrets.js';
import { loadEnvFile, readSettings } from '../../../core/settings.js';
import { connectionFromEnv } from '../../../nats/live/client.js';
import { resolveTopology } from '../../../nats/topology.js';
import { type RequestArgs, type RequestTarget, RequestUsageError, requestMain } from '../../../services/requester/cli.js';

function localTarget(env: NodeJS.ProcessEnv): (args: RequestArgs) => RequestTarget {
  return (args) => {
    const settings = readSettings(env);
    const state = readLocalState(settings.sandboxDir);
    if (!state) {
      throw new RequestUsageError(
        `no local sandbox in ${settings.sandboxDir} and NATS_URL is not set; run install first (npx zx scripts/install.mjs c1 c2 c3) or set NATS_URL`,
      );
    }
    if (!state.names.includes(args.from))
      throw new RequestUsageError(`--from ${args.from} is not a cluster of this sandbox (${state.names.join(', ')})`);
    const topo = resolveTopology({ names: [], saved: state });
    const credentials = loadCredentials(settings.sandboxDir, env, false);
    const mysqlUrl = env.MYSQL_URL || privateMysqlUrl(settings.sandboxDir);
    return {
      connection: connectionFromEnv({ ...localClientEnv(topo, state, credentials, 'requester', args.from) }, `requester-${args.from}`),
      ...(mysqlUrl ? { mysqlUrl } : {}),
    };
  };
}

export function requestCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  loadEnvFile();
  return requestMain(argv, env, localTarget(env));
}
