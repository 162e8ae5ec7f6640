// The kubectl and helm commands the stages are made of, all through the runner (context added,
// logged, dry-run honoured). Values and manifests are written under the work folder first, in the
// render layout, so what was applied can be read back; generated objects go through stdin only.
import { join } from 'node:path';
import type { CommandResult } from '../../core/command.js';
import { log } from '../../core/log.js';
import type { HelmRelease, HelmRepo } from '../../k8s/charts.js';
import { describe, type K8sObject, toYaml } from '../../k8s/objects.js';
import type { ManifestFile } from '../../k8s/plan.js';
import { clusterFiles, manifestPath, valuesPath, writeFiles } from '../../k8s/render.js';
import type { KubeTarget } from '../../k8s/targets.js';
import type { KubeRun } from './run.js';
import { recordInstalled } from './shared.js';

/** `helm repo add` for each repo once (not per cluster: repos are the user's helm config). */
export async function addHelmRepos(k: KubeRun, repos: readonly HelmRepo[]): Promise<void> {
  const unique = [...new Map(repos.map((r) => [r.name, r])).values()];
  for (const repo of unique) {
    await k.runner.run(['helm', 'repo', 'add', repo.name, repo.url, '--force-update'], { fix: `check that ${repo.url} is reachable` });
  }
}

/** Install or upgrade a release (idempotent). `wait`: until its workloads are ready. */
export async function helmUpgrade(k: KubeRun, release: HelmRelease, opts: { wait: boolean } = { wait: true }): Promise<void> {
  if (!k.dryRun) writeFiles(k.workDir, clusterFiles(release.cluster, [release], []));
  await k.runner.run(
    [
      'helm',
      'upgrade',
      '--install',
      release.release,
      release.chart,
      '--version',
      release.version,
      '--namespace',
      release.namespace,
      '--create-namespace',
      '--values',
      join(k.workDir, valuesPath(release)),
      ...(opts.wait ? ['--wait', '--timeout', k.settings.helmTimeout] : []),
    ],
    {
      cluster: release.cluster,
      context: release.context,
      fix: `see why with: kubectl --context ${release.context} -n ${release.namespace} get pods; helm --kube-context ${release.context} -n ${release.namespace} status ${release.release}`,
    },
  );
  recordInstalled(k, release);
}

export async function helmUninstall(k: KubeRun, target: KubeTarget, namespace: string, release: string): Promise<void> {
  await k.runner.run(['helm', 'uninstall', release, '--namespace', namespace, '--ignore-not-found', '--wait'], {
    cluster: target.name,
    context: target.context,
  });
}

/** `kubectl apply` a rendered manifest file (written under the work folder first). */
export async function applyFile(k: KubeRun, target: KubeTarget, manifest: ManifestFile): Promise<CommandResult> {
  if (!k.dryRun) writeFiles(k.workDir, clusterFiles(target.name, [], [manifest]));
  return k.runner.run(['kubectl', 'apply', '-f', join(k.workDir, manifestPath(target.name, manifest))], {
    cluster: target.name,
    context: target.context,
    fix: 'check that the stages before this one succeeded for this cluster',
  });
}

/** `kubectl apply` objects made at install time, through stdin (Secrets never touch a file). */
export async function applyObjects(k: KubeRun, target: KubeTarget, objects: readonly K8sObject[]): Promise<CommandResult> {
  log.cluster(target.name, `stdin: ${objects.map(describe).join(', ')}`);
  return k.runner.run(['kubectl', 'apply', '-f', '-'], {
    cluster: target.name,
    context: target.context,
    input: toYaml(objects),
    fix: `could not apply ${objects.map(describe).join(', ')}`,
  });
}

/** Whether an object exists (a read: in a dry run, `assume` is reported instead). */
export async function exists(
  k: KubeRun,
  target: KubeTarget,
  kind: string,
  namespace: string | undefined,
  name: string,
  assume: boolean,
): Promise<boolean> {
  const out = await k.runner.run(
    ['kubectl', 'get', kind, name, ...(namespace ? ['--namespace', namespace] : []), '--ignore-not-found', '-o', 'name'],
    {
      cluster: target.name,
      context: target.context,
      read: true,
      assume: assume ? `${kind}/${name}` : '',
      silent: true,
    },
  );
  return out.stdout.trim() !== '';
}

/** One key of a Secret, decoded (by kubectl's go-template). */
export async function readSecretKey(
  k: KubeRun,
  target: KubeTarget,
  namespace: string,
  name: string,
  key: string,
  assume: string,
): Promise<string> {
  const out = await k.runner.run(
    ['kubectl', 'get', 'secret', name, '--namespace', namespace, '-o', `go-template={{index .data "${key}" | base64decode}}`],
    {
      cluster: target.name,
      context: target.context,
      read: true,
      assume,
      silent: true,
      fix: `the ${name} secret in ${namespace} should exist by now; re-run the stage that makes it`,
    },
  );
  if (!out.stdout.trim()) throw new Error(`cluster ${target.name}: secret ${namespace}/${name} has no ${key}`);
  return out.stdout;
}

/** Wait for a condition of an object (`what`: e.g. certificate/x, or ['nodes', '--all']). */
export async function waitFor(
  k: KubeRun,
  target: KubeTarget,
  what: string | string[],
  namespace: string | undefined,
  condition: string,
): Promise<void> {
  const objects = typeof what === 'string' ? [what] : what;
  await k.runner.run(
    [
      'kubectl',
      'wait',
      ...objects,
      ...(namespace ? ['--namespace', namespace] : []),
      `--for=${condition}`,
      `--timeout=${k.settings.waitSeconds}s`,
    ],
    {
      cluster: target.name,
      context: target.context,
      fix: `look at it with: kubectl --context ${target.context} ${namespace ? `-n ${namespace} ` : ''}describe ${objects[0]}`,
    },
  );
}
