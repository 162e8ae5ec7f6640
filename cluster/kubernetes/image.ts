// The one image of the services (services/Dockerfile), for stages 07 and 08. k3d: built here
// (unless docker has this source's tag already) and imported into every cluster. kube:
// SERVICES_IMAGE, an image the user pushed where the clusters can pull it.
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { DOCKERFILE, SERVICES_REPOSITORY, servicesImageOf } from './image-name.js';
import { eachCluster, type KubeRun } from './run.js';

/** kube: stages 07 and 08 need SERVICES_IMAGE; say so before anything runs. */
export function requireServicesImage(k: KubeRun): void {
  if (k.flavor.pullsServicesImage && !k.settings.servicesImage) {
    throw new UsageError(
      `the kube provider runs stages 07 and 08 from an image your clusters can pull: set SERVICES_IMAGE (in .env or the environment)\nfix: docker build -f ${DOCKERFILE} -t <registry>/${SERVICES_REPOSITORY}:<tag> . && docker push <registry>/${SERVICES_REPOSITORY}:<tag>, then SERVICES_IMAGE=<registry>/${SERVICES_REPOSITORY}:<tag>`,
    );
  }
}

/** Per command run (its runner): install's stages 07 and 08 share one build and import. */
const made = new WeakMap<object, Map<string, Promise<string>>>();

/**
 * k3d: build the image unless docker has this tag already, then import it into every cluster
 * (once per process: install's stages 07 and 08 share it). kube: the image named.
 */
export function ensureServicesImage(k: KubeRun): Promise<string> {
  requireServicesImage(k);
  const image = servicesImageOf(k.flavor.pullsServicesImage, k.settings.servicesImage);
  if (k.flavor.pullsServicesImage) return Promise.resolve(image);
  if (k.settings.servicesImage) log.info(`SERVICES_IMAGE is for the kube provider; k3d builds and imports ${image}`);
  const key = `${image} ${k.names.join(',')}`;
  const mine = made.get(k.runner) ?? new Map<string, Promise<string>>();
  made.set(k.runner, mine);
  if (!mine.has(key)) mine.set(key, buildAndImport(k, image));
  return mine.get(key)!;
}

async function buildAndImport(k: KubeRun, image: string): Promise<string> {
  const present = await k.runner.run(['docker', 'image', 'ls', '--quiet', image], { read: true, assume: '', silent: true });
  if (present.stdout.trim()) {
    log.info(`image ${image} is built already (same sources)`);
  } else {
    await k.runner.run(['docker', 'build', '-f', join(PROJECT_ROOT, DOCKERFILE), '-t', image, PROJECT_ROOT], {
      fix: `build it by hand to see the whole output: docker build -f ${DOCKERFILE} -t ${image} .`,
    });
  }
  await eachCluster(k.targets, (t) =>
    k.runner.run(['k3d', 'image', 'import', image, '-c', t.name], {
      cluster: t.name,
      fix: `check the cluster runs: k3d cluster list; then k3d image import ${image} -c ${t.name}`,
    }),
  );
  return image;
}
