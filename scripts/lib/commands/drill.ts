// drill: a bounded load from every region, one fault partway through, restored, and a report of
// what survived. The provider runs it (the local provider does; others refuse it); everything it
// can refuse is refused before the sandbox lock is taken.
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_SECONDS,
  DEFAULT_SLOW_WAN_MS,
  type DrillOptions,
  MAX_SECONDS,
  parseDrillSpec,
} from '../../../cluster/drill-spec.js';
import { UsageError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { sandboxCommand } from '../command.js';
import { requireOperation } from '../operations.js';

export const command = sandboxCommand({
  name: 'drill',
  summary:
    'Run a bounded load from every region, apply one fault partway through, restore it, and report what survived: answers per region and who answered, the longest gap, publishes acked, rows in MySQL, acked-but-missing and duplicates (both must be 0), time until status is healthy again. Local provider; exit 1 when something acknowledged was lost or stored twice, or the sandbox did not heal.',
  usage: `<kind> [args] [flags], kind one of:
  region-loss <cN>...     stop the regions' processes, then bring them back (region --up's reconcile)
  partition <cN>...       cut the regions off from the others (WAN layer), then heal
  leader-kill             kill -9 the answers stream leader and the JetStream meta leader, then reconcile
  server-kill <N>         kill -9 N servers picked by --seed, then reconcile
  mysql-outage <SECONDS>  stop the private MariaDB for SECONDS, then start it again (stage 08)
  slow-wan [MS]           raise every pair of regions' round trip to MS (default ${DEFAULT_SLOW_WAN_MS}; WAN layer), then restore
  edge-loss <EDGE>        kill -9 the edge site's servers while it publishes, then reconcile; its publishes reach the hub once
  edge-partition <EDGE>   cut the edge site off from every region (WAN layer) while it publishes, then heal
  revoke                  revoke a user the drill adds for load clients of its own (operator mode: --auth jwt)`,
  positionals: 'own',
  flags: {
    seconds: flag.number(
      'N',
      `how long the load runs (default ${DEFAULT_SECONDS}); the fault comes after a quarter of it, and the load goes on a while after the restore`,
      { min: 3, max: MAX_SECONDS, fallback: DEFAULT_SECONDS },
    ),
    seed: flag.number('N', 'seed for the questions and the servers server-kill picks (default: random, printed)', {
      min: 0,
      max: 2 ** 31,
      fallback: undefined,
    }),
    concurrency: flag.number('N', `requests in flight per asking region (default ${DEFAULT_CONCURRENCY})`, {
      min: 1,
      max: 256,
      fallback: DEFAULT_CONCURRENCY,
    }),
    json: flag.boolean('print the report as JSON'),
  },
  mutates: true,
  quiet: (o) => o.json,
  check: (_o, positionals) => void parseDrillSpec(positionals),
  async prepare({ options, positionals, provider, invocation }) {
    if (Object.keys(invocation.args.replicas).length)
      throw new UsageError('a drill runs on the sandbox as it is: --replicas is for install');
    const drill = requireOperation(provider, 'drill');
    const opts: DrillOptions = {
      spec: parseDrillSpec(positionals),
      seconds: options.seconds,
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
      concurrency: options.concurrency,
      json: options.json,
    };
    return drill(invocation, opts);
  },
  run: ({ prepared }) => prepared(),
});
