// The command table: every script's name, summary and flags (its help), in one place.
import { DEFAULT_CONCURRENCY, DEFAULT_SECONDS, DEFAULT_SLOW_WAN_MS } from '../../cluster/local/drill/kinds.js';
import { STAGES, type StageId } from '../../cluster/provider.js';
import { IDENTITIES } from '../../nats/accounts.js';
import { DEFAULT_CONTEXT_IDENTITIES } from '../../nats/cli-contexts.js';
import type { CommandSpec, FlagSpec } from './args.js';

/** Where the topology is built (local provider): --wan shapes the links between regions. */
const WAN_FLAG: Record<string, FlagSpec> = {
  wan: {
    type: 'string',
    placeholder: '40ms|a-b=30ms,...|0ms|off',
    description:
      'local provider: round trip between regions through the WAN layer (every pair, or per pair; 0ms: the layer without delay, for partitions; off: linked directly). Kept by the sandbox; a re-run changes it without restarting servers',
  },
};
const WAN_STAGES = new Set<StageId>(['01-clusters', '06-supercluster']);

const STAGE_SUMMARIES: Record<StageId, string> = {
  '01-clusters': 'Stage 01: create the clusters (k3d), check the contexts (kube), or plan ports and check tools (local).',
  '02-certs': 'Stage 02: cert-manager, trust-manager and the NATS PKI.',
  '03-linkerd': 'Stage 03: linkerd PKI, control plane, multicluster and links.',
  '04-observability': 'Stage 04: kube-prometheus-stack, linkerd-viz and NATS monitors.',
  '05-ingress': 'Stage 05: haproxy ingress with TCP 4222 and 7222.',
  '06-supercluster': 'Stage 06: the NATS servers of every cluster, joined into one supercluster, and a check that it converged.',
  '07-jetstream': 'Stage 07: streams, consumers and KV buckets from one spec.',
  '08-services': 'Stage 08: MySQL, math services, recorder and requester.',
};

export const COMMANDS: Record<string, CommandSpec> = {
  install: {
    name: 'install',
    summary: 'Run every stage in order (01-clusters .. 08-services) for the given cluster names.',
    namesRequired: true,
    flags: WAN_FLAG,
  },
  status: {
    name: 'status',
    summary:
      'Ask the live supercluster for its servers, clusters, gateways and JetStream, and compare with the expected topology. Exits 1 when they differ.',
    namesRequired: false,
    flags: {
      json: { type: 'boolean', description: 'print { servers, clusters, ok, problems, causes } as JSON' },
      verbose: { type: 'boolean', description: 'list under each problem what follows from it (e.g. every route to a region that is down)' },
      server: {
        type: 'string',
        placeholder: 'nats://host:port',
        description: "ask this server instead of the provider's own (system account credentials from the sandbox or .env)",
      },
    },
  },
  ui: {
    name: 'ui',
    summary:
      'Serve a live page of the supercluster (regions, servers by role and health, gateways, JetStream, services, the verdict) on 127.0.0.1, or write it as SVG with --snapshot.',
    namesRequired: false,
    flags: {
      port: { type: 'string', placeholder: 'N', description: 'port to serve the page on (default 8090)' },
      host: { type: 'string', placeholder: 'ADDRESS', description: 'address to listen on (default 127.0.0.1; others need --allow-remote)' },
      'allow-remote': { type: 'boolean', description: 'allow a non-loopback --host: anyone who reaches it sees the topology' },
      open: { type: 'boolean', description: 'open the page in the desktop browser' },
      snapshot: { type: 'string', placeholder: 'FILE.svg', description: 'write the picture once as an SVG file and exit, serving nothing' },
    },
  },
  contexts: {
    name: 'contexts',
    summary:
      'Print the `nats context add` commands for every cluster and identity (--identity; default sys and admin; mTLS); --write creates the contexts.',
    namesRequired: true,
    flags: {
      write: { type: 'boolean', description: 'write the contexts into the NATS CLI configuration instead of printing commands' },
      identity: {
        type: 'string',
        placeholder: 'sys,admin,...|all',
        description: `the identities to make contexts for, comma-separated: ${IDENTITIES.join(', ')}, or all (default: ${DEFAULT_CONTEXT_IDENTITIES.join(',')})`,
      },
      server: {
        type: 'string',
        placeholder: 'nats://host:4222',
        description: "the address to use (required for k3d/kube: a cluster's ingress; local: each region's servers)",
      },
    },
  },
  render: {
    name: 'render',
    summary:
      'Write what the k3d/kube stages would apply: DIR/releases.json, the helm values and every manifest under DIR/<cluster>/manifests.',
    namesRequired: true,
    flags: { out: { type: 'string', placeholder: 'DIR', description: 'folder to write to (created if missing)' } },
  },
  region: {
    name: 'region',
    summary:
      'Lose a region and bring it back: --down stops every process (local) or the k3d cluster of the named clusters, --up starts them again and lets the supercluster heal.',
    namesRequired: true,
    flags: {
      down: { type: 'boolean', description: 'take the named clusters down' },
      up: { type: 'boolean', description: 'bring them back (local: reconciles the whole sandbox)' },
    },
  },
  partition: {
    name: 'partition',
    summary:
      'Cut the named regions off from the others at the WAN layer (local provider, install with --wan): connections between them dropped, new ones refused, every process still running. --heal restores the links.',
    namesRequired: false,
    flags: {
      from: { type: 'string', placeholder: 'a,b', description: 'cut off from these regions only (default: every other region)' },
      heal: { type: 'boolean', description: 'restore the links of the named regions (all when none are named)' },
    },
  },
  drill: {
    name: 'drill',
    summary:
      'Run a bounded load from every region, apply one fault partway through, restore it, and report what survived: answers per region and who answered, the longest gap, publishes acked, rows in MySQL, acked-but-missing and duplicates (both must be 0), time until status is healthy again. Local provider; exit 1 when something acknowledged was lost or stored twice, or the sandbox did not heal.',
    namesRequired: false,
    ownPositionals: true,
    usage: `<kind> [args] [flags], kind one of:
  region-loss <cN>...     stop the regions' processes, then bring them back (region --up's reconcile)
  partition <cN>...       cut the regions off from the others (WAN layer), then heal
  leader-kill             kill -9 the answers stream leader and the JetStream meta leader, then reconcile
  server-kill <N>         kill -9 N servers picked by --seed, then reconcile
  mysql-outage <SECONDS>  stop the private MariaDB for SECONDS, then start it again (stage 08)
  slow-wan [MS]           raise every pair of regions' round trip to MS (default ${DEFAULT_SLOW_WAN_MS}; WAN layer), then restore`,
    flags: {
      seconds: {
        type: 'string',
        placeholder: 'N',
        description: `how long the load runs (default ${DEFAULT_SECONDS}); the fault comes after a quarter of it, and the load goes on a while after the restore`,
      },
      seed: {
        type: 'string',
        placeholder: 'N',
        description: 'seed for the questions and the servers server-kill picks (default: random, printed)',
      },
      concurrency: {
        type: 'string',
        placeholder: 'N',
        description: `requests in flight per asking region (default ${DEFAULT_CONCURRENCY})`,
      },
      json: { type: 'boolean', description: 'print the report as JSON' },
    },
  },
  tools: {
    name: 'tools',
    summary:
      'Find or build the pinned nats-server and nats CLI (go install, once, into the tools cache) and print a PATH line for them: eval "$(npx zx scripts/tools.mjs)".',
    namesRequired: false,
  },
  delete: {
    name: 'delete',
    summary: 'Remove everything the stages made for the given cluster names (all of the sandbox when no names are given).',
    namesRequired: false,
  },
  ...Object.fromEntries(
    STAGES.map((s) => [
      s.id,
      { name: s.id, summary: STAGE_SUMMARIES[s.id], namesRequired: true, ...(WAN_STAGES.has(s.id) ? { flags: WAN_FLAG } : {}) },
    ]),
  ),
  'k3d-start': {
    name: 'k3d-start',
    summary:
      "Start stopped k3d sandbox clusters one after another and clear the pods k3d does not bring back (all of the sandbox's clusters when no names are given).",
    namesRequired: false,
  },
  'k3d-stop': {
    name: 'k3d-stop',
    summary: "Stop k3d sandbox clusters (all of the sandbox's clusters when no names are given); k3d-start brings them back.",
    namesRequired: false,
  },
};
