// status: the provider's observation of the live sandbox, or (--server) what one server's system
// account sees, compared with the sandbox's topology; printed as tables or JSON. Exit 1 when wrong.
import { reportStatus } from '../../../cluster/status-report.js';
import { flag } from '../../../core/flags.js';
import { loadCredentials } from '../../../core/secrets.js';
import { clientEnvFor, connectionFromEnv } from '../../../nats/live/client.js';
import { observe } from '../../../nats/live/observe.js';
import { observation } from '../../../nats/observation.js';
import { sandboxCommand } from '../command.js';

export const command = sandboxCommand({
  name: 'status',
  summary:
    'Ask the live supercluster for its servers, clusters, gateways and JetStream, and compare with the expected topology. Exits 1 when they differ.',
  positionals: 'selection',
  flags: {
    json: flag.boolean('print { servers, clusters, ok, problems, causes } as JSON'),
    verbose: flag.boolean('list under each problem what follows from it (e.g. every route to a region that is down)'),
    server: flag.text(
      'nats://host:port',
      "ask this server instead of the provider's own (system account credentials from the sandbox or .env)",
    ),
  },
  mutates: false,
  quiet: (o) => o.json,
  async run({ options, provider, invocation }) {
    const opts = { json: options.json, verbose: options.verbose, regions: invocation.args.names };
    if (!options.server) return reportStatus(await provider.observe(invocation), opts);
    // The topology the sandbox saved (names and replicas), whichever server is asked.
    const topology = invocation.topology();
    const credentials = loadCredentials(invocation.settings.sandboxDir, invocation.settings.env, false);
    const connection = connectionFromEnv(clientEnvFor(credentials, 'sys', [options.server]));
    const live = await observe({ connection, expectedServers: topology.servers.length });
    return reportStatus(observation({ topology, live }), opts);
  },
});
