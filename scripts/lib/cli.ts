// Command dispatch for every script: parse and validate first, then choose the provider, then act.

import { type ConcreteProvider, chooseProvider } from '../../cluster/detect.js';
import { type ProviderImpl, STAGES, type Invocation, type StageId } from '../../cluster/provider.js';
import { reportStatus } from '../../cluster/status-report.js';
import { createRunner } from '../../core/command.js';
import { CommandError, MissingToolError, SandboxError, UsageError } from '../../core/errors.js';
import { log, setQuiet, step } from '../../core/log.js';
import { loadCredentials } from '../../core/secrets.js';
import { loadEnvFile, readSettings } from '../../core/settings.js';
import { clientEnvFor, connectionFromEnv } from '../../nats/live/client.js';
import { observe } from '../../nats/live/observe.js';
import { buildTopology, resolveReplicas, TopologyError } from '../../nats/topology.js';
import { type CommandSpec, helpText, parseCommandArgs } from './args.js';
import { writeContexts } from './commands/contexts.js';

// Loaded on demand: the Kubernetes models are large, and a local run should not pay for them.
const PROVIDERS: Record<ConcreteProvider, () => Promise<ProviderImpl>> = {
  local: async () => (await import('../../cluster/local/provider.js')).localProvider,
  k3d: async () => (await import('../../cluster/kubernetes/provider.js')).k3dProvider,
  kube: async () => (await import('../../cluster/kubernetes/provider.js')).kubeProvider,
};

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
  },
  status: {
    name: 'status',
    summary:
      'Ask the live supercluster for its servers, clusters, gateways and JetStream, and compare with the expected topology. Exits 1 when they differ.',
    namesRequired: false,
    flags: {
      json: { type: 'boolean', description: 'print { servers, clusters, ok, problems } as JSON' },
      server: {
        type: 'string',
        placeholder: 'nats://host:port',
        description: "ask this server instead of the provider's own (system account credentials from the sandbox or .env)",
      },
    },
  },
  contexts: {
    name: 'contexts',
    summary: 'Print the `nats context add` commands for the system and admin users of every cluster (mTLS); --write creates the contexts.',
    namesRequired: true,
    flags: {
      write: { type: 'boolean', description: 'write the contexts into the NATS CLI configuration instead of printing commands' },
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
  delete: {
    name: 'delete',
    summary: 'Remove everything the stages made for the given cluster names (all of the sandbox when no names are given).',
    namesRequired: false,
  },
  ...Object.fromEntries(STAGES.map((s) => [s.id, { name: s.id, summary: STAGE_SUMMARIES[s.id], namesRequired: true }])),
};

async function runStage(id: StageId, impl: ProviderImpl, ctx: Invocation): Promise<void> {
  const fn = impl.stages[id];
  if (!fn) {
    log.info(`• ${id}: skipped for the ${impl.name} provider: ${impl.skipped[id] ?? 'nothing to do'}`);
    return;
  }
  await step(`${id} (${impl.name}: ${ctx.names.join(' ')})`, () => fn(ctx));
}

async function dispatch(command: string, argv: string[]): Promise<number> {
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`unknown command ${command}`);
  const args = parseCommandArgs(spec, argv);
  if (args.help) {
    log.info(helpText(spec));
    return 0;
  }
  loadEnvFile();
  const settings = readSettings();
  const json = args.flags.json === true;
  setQuiet(json);
  if (command === 'render') return (await import('./commands/render.js')).renderCommand(args, settings);
  const detection = await chooseProvider(args.provider, settings.provider);
  log.info(`provider: ${detection.provider} (${detection.reason})${args.dryRun ? ' — dry run: nothing is changed' : ''}`);
  const impl = await PROVIDERS[detection.provider]();
  const ctx: Invocation = {
    names: args.names,
    args,
    settings,
    provider: detection.provider,
    runner: createRunner(args.dryRun),
    dryRun: args.dryRun,
  };

  if (command === 'install') {
    await impl.preflight?.(ctx);
    for (const stage of STAGES) await runStage(stage.id, impl, ctx);
    log.info(`install finished; check it with: npx zx scripts/status.mjs ${ctx.names.join(' ')}`);
    return 0;
  }
  if (command === 'status') {
    const server = args.flags.server as string | undefined;
    if (!server) return impl.status(ctx, { json });
    if (!ctx.names.length)
      throw new UsageError('status --server needs the cluster names, e.g. status c1 c2 c3 --server nats://localhost:4222');
    const topo = buildTopology(ctx.names, { replicas: resolveReplicas(ctx.args.replicas, ctx.settings.replicas) });
    const credentials = loadCredentials(settings.sandboxDir, settings.env, false);
    return reportStatus(
      topo,
      () => observe({ connection: connectionFromEnv(clientEnvFor(credentials, 'sys', [server])), expectedServers: topo.servers.length }),
      json,
    );
  }
  if (command === 'contexts') {
    writeContexts(ctx, args.flags.write === true, args.flags.server as string | undefined);
    return 0;
  }
  if (command === 'region') {
    const down = args.flags.down === true;
    if (down === (args.flags.up === true)) throw new UsageError('region takes exactly one of --down or --up, e.g. region c3 --down');
    if (!impl.region) throw new UsageError(`region is not available for the ${impl.name} provider`);
    await step(`region ${ctx.names.join(' ')} ${down ? 'down' : 'up'} (${impl.name})`, () => impl.region!(ctx, down ? 'down' : 'up'));
    return 0;
  }
  if (command === 'delete') {
    await step(`delete (${impl.name}${ctx.names.length ? `: ${ctx.names.join(' ')}` : ''})`, () => impl.delete(ctx));
    return 0;
  }
  await runStage(command as StageId, impl, ctx);
  return 0;
}

/** Run a command; returns the exit code (2 for usage errors, 1 for failures). */
export async function runCli(command: string, argv: string[]): Promise<number> {
  try {
    return await dispatch(command, argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TopologyError) {
      log.error(e.message);
      return 2;
    }
    if (e instanceof SandboxError || e instanceof CommandError || e instanceof MissingToolError) {
      log.error(e.message);
      return 1;
    }
    log.error((e as Error).stack ?? String(e));
    return 1;
  }
}
