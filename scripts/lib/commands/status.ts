// status: the provider's observation of the live sandbox, or (--server) what one server's system
// account sees, compared with the sandbox's topology; printed as tables or JSON.
import type { Invocation, Provider } from '../../../cluster/provider.js';
import { reportStatus } from '../../../cluster/status-report.js';
import { loadCredentials } from '../../../core/secrets.js';
import { clientEnvFor, connectionFromEnv } from '../../../nats/live/client.js';
import { observe } from '../../../nats/live/observe.js';
import { observation } from '../../../nats/observation.js';

export async function status(provider: Provider, inv: Invocation): Promise<number> {
  const opts = { json: inv.args.flags.json === true, verbose: inv.args.flags.verbose === true, regions: inv.args.names };
  const server = inv.args.flags.server as string | undefined;
  if (!server) return reportStatus(await provider.observe(inv), opts);
  // The topology the sandbox saved (names and replicas), whichever server is asked.
  const topology = inv.topology();
  const credentials = loadCredentials(inv.settings.sandboxDir, inv.settings.env, false);
  const connection = connectionFromEnv(clientEnvFor(credentials, 'sys', [server]));
  const live = await observe({ connection, expectedServers: topology.servers.length });
  return reportStatus(observation({ topology, live }), opts);
}
