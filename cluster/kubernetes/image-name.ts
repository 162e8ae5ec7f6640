// The name of the services image (services/Dockerfile) the Kubernetes objects use. k3d: tagged
// with a hash of what the Dockerfile copies, so an unchanged source is not built again and a
// changed one rolls the pods (a new tag). kube: SERVICES_IMAGE, pushed by the user.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../core/settings.js';

export const DOCKERFILE = 'services/Dockerfile';
export const SERVICES_REPOSITORY = 'nats-sandbox-services';
/** Stand-in for a kube image not given yet (render, stages before 07): `.invalid` cannot be pulled. */
export const PENDING_SERVICES_IMAGE = 'set-services-image.invalid/nats-sandbox-services:unset';

/** The build context paths a Dockerfile COPYs (not from other stages), and the Dockerfile itself. */
export function dockerCopySources(dockerfile: string): string[] {
  const sources = new Set<string>();
  for (const raw of dockerfile.split('\n')) {
    const words = raw.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'COPY' || words.some((w) => w.startsWith('--from'))) continue;
    for (const w of words.slice(1, -1).filter((x) => !x.startsWith('--'))) sources.add(w.replace(/^\.\//, '').replace(/\/$/, ''));
  }
  return [...sources].sort();
}

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** sha256 over the names and contents of every file the image is built from. */
export function sourceHash(root: string = PROJECT_ROOT): string {
  const dockerfile = readFileSync(join(root, DOCKERFILE), 'utf8');
  const files = [DOCKERFILE, ...dockerCopySources(dockerfile).flatMap((p) => filesUnder(root, p))].sort();
  const h = createHash('sha256');
  for (const f of new Set(files))
    h.update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update('\0');
  return h.digest('hex');
}

const hashes = new Map<string, string>();

/** The image the Kubernetes objects name: k3d's own build, or SERVICES_IMAGE (a placeholder until given). */
export function servicesImageOf(pulled: boolean, servicesImage: string | undefined, root: string = PROJECT_ROOT): string {
  if (pulled) return servicesImage ?? PENDING_SERVICES_IMAGE;
  if (!hashes.has(root)) hashes.set(root, sourceHash(root));
  return `${SERVICES_REPOSITORY}:src-${hashes.get(root)!.slice(0, 12)}`;
}
