// Jobs of the services image (stage 07's JetStream apply, stage 08's requester): applied, waited
// for until they complete or fail, their log printed under the cluster's name. A failed Job fails
// the stage with its cluster, its log and how to look further.
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { ManifestFile } from '../../k8s/plan.js';
import type { KubeTarget } from '../../k8s/targets.js';
import { pollMs } from './ingress-address.js';
import { applyFile } from './ops.js';
import type { KubeRun } from './run.js';

/**
 * Apply a Job. An unchanged one stays as it is (it ran already); a changed one cannot be updated
 * (its pod template is immutable), so the old run is deleted and the new one made.
 */
export async function applyJob(k: KubeRun, t: KubeTarget, file: ManifestFile): Promise<void> {
  try {
    await applyFile(k, t, file);
  } catch (e) {
    if (!/field is immutable/.test((e as Error).message)) throw e;
    const job = file.objects.find((o) => o.kind === 'Job')!;
    log.cluster(t.name, `job ${job.metadata.name} changed: replacing its earlier run`);
    await k.runner.run(['kubectl', 'delete', 'job', job.metadata.name, '--namespace', job.metadata.namespace!, '--wait=true'], {
      cluster: t.name,
      context: t.context,
    });
    await applyFile(k, t, file);
  }
}

/** `Complete`, `Failed`, or undefined while it runs. */
async function jobState(k: KubeRun, t: KubeTarget, namespace: string, name: string): Promise<'Complete' | 'Failed' | undefined> {
  const out = await k.runner.run(
    ['kubectl', 'get', 'job', name, '--namespace', namespace, '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status}{"\\n"}{end}'],
    {
      cluster: t.name,
      context: t.context,
      read: true,
      silent: true,
      assume: 'Complete=True',
    },
  );
  const lines = out.stdout.split('\n').map((l) => l.trim());
  if (lines.includes('Failed=True')) return 'Failed';
  if (lines.includes('Complete=True')) return 'Complete';
  return undefined;
}

async function jobLog(k: KubeRun, t: KubeTarget, namespace: string, name: string): Promise<string[]> {
  const out = await k.runner
    .run(['kubectl', 'logs', `job/${name}`, '--namespace', namespace, '--tail=200'], {
      cluster: t.name,
      context: t.context,
      read: true,
      silent: true,
      assume: '',
    })
    .catch((e: Error) => ({ stdout: `(no log: ${e.message.split('\n')[0]})` }));
  return out.stdout.split('\n').filter((l) => l.trim());
}

/** Wait for the Job (up to `seconds`), print its log; throw with the cluster's name if it failed. */
export async function awaitJob(k: KubeRun, t: KubeTarget, namespace: string, name: string, seconds: number): Promise<string[]> {
  if (k.dryRun) log.cluster(t.name, `would wait for job ${namespace}/${name} and print its log`);
  const deadline = performance.now() + seconds * 1000;
  const look = `kubectl --context ${t.context} -n ${namespace} describe job ${name}; kubectl --context ${t.context} -n ${namespace} logs job/${name}`;
  for (;;) {
    const state = await jobState(k, t, namespace, name);
    if (state) {
      const lines = await jobLog(k, t, namespace, name);
      if (state === 'Failed')
        throw new CommandError(
          `cluster ${t.name}: job ${namespace}/${name} failed:\n${
            lines
              .slice(-20)
              .map((l) => `  ${l}`)
              .join('\n') || '  (no log)'
          }\nfix: look at it with: ${look}`,
        );
      for (const l of lines) log.cluster(t.name, `  ${l}`);
      return lines;
    }
    if (performance.now() > deadline)
      throw new CommandError(`cluster ${t.name}: job ${namespace}/${name} did not finish in ${seconds}s\nfix: look at it with: ${look}`);
    await sleep(pollMs(k));
  }
}
