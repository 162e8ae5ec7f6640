// k3d clusters: made from the k3d config file (cluster/), all on one Docker network; existing
// clusters are left alone, stopped ones started and healed; delete removes them and the network.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { CommandError } from '../../core/errors.js';
import { commandHint } from '../../core/hint.js';
import { log } from '../../core/log.js';
import { grafanaHost } from '../../k8s/names.js';
import type { KubeTarget } from '../../k8s/targets.js';
import { assignHostPorts, hostClientUrl, hostPortFlags } from './host-ports.js';
import { waitFor } from './ops.js';
import { eachCluster, type KubeRun } from './run.js';
import { forgetClusters, readState, rememberClusters } from './state.js';

/** One entry of `k3d cluster list -o json`. */
interface K3dCluster {
  name: string;
  serversRunning: number;
  serversCount: number;
  agentsRunning: number;
  agentsCount: number;
}

/** The shared Docker network the k3d config file names. */
export function k3dNetwork(configFile: string): string {
  let config: { network?: unknown };
  try {
    config = YAML.parse(readFileSync(configFile, 'utf8')) as { network?: unknown };
  } catch (e) {
    throw new CommandError(
      `cannot read the k3d config ${configFile}: ${(e as Error).message}\nfix: set K3D_CONFIG to a k3d.io/v1alpha5 Simple config`,
      undefined,
      { cause: e },
    );
  }
  if (typeof config?.network !== 'string' || !config.network)
    throw new CommandError(`${configFile} names no network; every sandbox cluster must share one`);
  return config.network;
}

/** In a dry run: none (install), or the named ones, running or stopped (start, stop). */
async function listClusters(k: KubeRun, assume: 'none' | 'running' | 'stopped' = 'none'): Promise<K3dCluster[]> {
  const n = assume === 'running' ? 1 : 0;
  const assumed =
    assume === 'none'
      ? []
      : k.targets.map((t) => ({ name: t.name, serversRunning: n, serversCount: 1, agentsRunning: 2 * n, agentsCount: 2 }));
  const out = await k.runner.run(['k3d', 'cluster', 'list', '-o', 'json'], { read: true, assume: JSON.stringify(assumed), silent: true });
  try {
    return JSON.parse(out.stdout || '[]') as K3dCluster[];
  } catch (e) {
    throw new CommandError(`'k3d cluster list -o json' did not answer JSON: ${out.stdout.slice(0, 200)}`, out, { cause: e });
  }
}

const running = (c: K3dCluster) => c.serversRunning === c.serversCount && c.agentsRunning === c.agentsCount;

async function dockerAnswers(k: KubeRun): Promise<void> {
  await k.runner.run(['docker', 'info', '--format', '{{.ServerVersion}}'], {
    read: true,
    assume: 'a Docker engine answers',
    silent: true,
    fix: 'start the Docker engine (Docker Desktop, or `sudo systemctl start docker`), or use --provider local',
  });
}

/** Made before the clusters, so clusters created at once do not race to make it. */
async function ensureNetwork(k: KubeRun, network: string): Promise<void> {
  const out = await k.runner.run(['docker', 'network', 'ls', '--filter', `name=^${network}$`, '--format', '{{.Name}}'], {
    read: true,
    assume: '',
    silent: true,
  });
  if (out.stdout.trim() !== network) await k.runner.run(['docker', 'network', 'create', network]);
}

/** Start a stopped cluster, and clear the pods k3d does not bring back by themselves. */
async function startCluster(k: KubeRun, t: KubeTarget): Promise<void> {
  await k.runner.run(['k3d', 'cluster', 'start', t.name, '--wait'], {
    cluster: t.name,
    fix: `see the node containers with: docker ps -a --filter name=k3d-${t.name}-`,
  });
  await waitFor(k, t, ['nodes', '--all'], undefined, 'condition=Ready');
  // After a restart many pods stay Unknown/Failed (their sandbox is gone); deleting them lets
  // their controllers make new ones. Only pods that are not running are touched.
  await k.runner.run(
    [
      'kubectl',
      'delete',
      'pods',
      '--all-namespaces',
      '--field-selector=status.phase!=Running,status.phase!=Succeeded,status.phase!=Pending',
      '--wait=false',
    ],
    {
      cluster: t.name,
      context: t.context,
    },
  );
}

export async function k3dClustersStage(k: KubeRun): Promise<void> {
  const network = k3dNetwork(k.settings.k3dConfig);
  await dockerAnswers(k);
  const existing = new Map((await listClusters(k)).map((c) => [c.name, c]));
  await ensureNetwork(k, network);
  const create = k.targets.filter((t) => !existing.has(t.name));
  const stopped = k.targets.filter((t) => existing.has(t.name) && !running(existing.get(t.name)!));
  for (const t of k.targets.filter((t) => existing.has(t.name) && !stopped.includes(t)))
    log.cluster(t.name, 'k3d cluster exists and runs: left as it is');
  const ports = assignHostPorts(k.names, readState(k.sandboxDir, 'k3d')?.hostPorts);
  // Made in parallel without touching ~/.kube/config (k3d rewrites it without a lock, so clusters
  // made at once can lose each other's contexts), then merged into it one at a time.
  await eachCluster(create, (t) =>
    k.runner.run(
      [
        'k3d',
        'cluster',
        'create',
        t.name,
        '--config',
        k.settings.k3dConfig,
        '--kubeconfig-update-default=false',
        ...hostPortFlags(ports[t.name]!),
      ],
      {
        cluster: t.name,
        fix: `see what is left with: k3d cluster list; remove a half-made cluster with: k3d cluster delete ${t.name}; a port already allocated is one of ${hostPortFlags(
          ports[t.name]!,
        )
          .filter((f) => f !== '--port')
          .join(', ')}: free it`,
      },
    ),
  );
  for (const t of k.targets)
    await k.runner.run(['k3d', 'kubeconfig', 'merge', t.name, '--kubeconfig-merge-default', '--kubeconfig-switch-context=false'], {
      cluster: t.name,
      fix: `check the cluster with: k3d cluster list ${t.name}`,
    });
  // One at a time: a laptop starting several clusters at once is what leaves pods behind.
  for (const t of stopped) await startCluster(k, t);
  await eachCluster(k.targets, (t) => waitFor(k, t, ['nodes', '--all'], undefined, 'condition=Ready'));
  // Only the ports of clusters made here are mapped (a cluster made before keeps what it had).
  const saved = readState(k.sandboxDir, 'k3d')?.hostPorts ?? {};
  const mapped = Object.fromEntries(k.targets.filter((t) => create.includes(t) || saved[t.name]).map((t) => [t.name, ports[t.name]!]));
  if (!k.dryRun) rememberClusters(k.sandboxDir, 'k3d', k.names, {}, k.topo.options.replicas, mapped);
  for (const [name, p] of Object.entries(mapped))
    log.cluster(
      name,
      `from this machine: NATS at ${hostClientUrl(p)}, Grafana at http://${grafanaHost(name)}:${p.http} (name it in /etc/hosts)`,
    );
}

/** start helper: start stopped clusters one after another and heal their pods. */
export async function startClusters(k: KubeRun): Promise<void> {
  const existing = new Map((await listClusters(k, 'stopped')).map((c) => [c.name, c]));
  const unknown = k.targets.filter((t) => !existing.has(t.name)).map((t) => t.name);
  if (unknown.length)
    throw new CommandError(
      `no k3d cluster ${unknown.join(', ')}\nfix: create them with: ${commandHint('01-clusters', [...k.names, '--provider', 'k3d'])}`,
    );
  for (const t of k.targets) {
    if (running(existing.get(t.name)!)) log.cluster(t.name, 'already running: healing pods only');
    await startCluster(k, t);
  }
}

export async function stopClusters(k: KubeRun): Promise<void> {
  const existing = new Set((await listClusters(k, 'running')).map((c) => c.name));
  await eachCluster(
    k.targets.filter((t) => existing.has(t.name)),
    (t) => k.runner.run(['k3d', 'cluster', 'stop', t.name], { cluster: t.name }),
  );
}

export async function deleteK3dClusters(k: KubeRun): Promise<void> {
  const network = k3dNetwork(k.settings.k3dConfig);
  const existing = new Set((await listClusters(k, 'running')).map((c) => c.name));
  for (const t of k.targets.filter((t) => !existing.has(t.name))) log.cluster(t.name, 'no such k3d cluster: nothing to delete');
  await eachCluster(
    k.targets.filter((t) => existing.has(t.name)),
    (t) => k.runner.run(['k3d', 'cluster', 'delete', t.name], { cluster: t.name }),
  );
  // The network is ours (made by stage 01); it goes once no container uses it any more.
  const net = await k.runner
    .run(['docker', 'network', 'inspect', network, '--format', '{{len .Containers}}'], { read: true, assume: '0', silent: true })
    .catch(() => undefined);
  if (net && net.stdout.trim() === '0') await k.runner.run(['docker', 'network', 'rm', network]);
  if (!k.dryRun) forgetClusters(k.sandboxDir, 'k3d', k.names);
}
