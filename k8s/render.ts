// Write a plan to a folder: DIR/releases.json (every helm release with its values file) and every
// manifest under DIR/<cluster>/manifests/. The stages write the files they apply the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HelmRelease } from './charts.js';
import { toYaml, toYamlDocument } from './objects.js';
import { type ClusterPlan, type ManifestFile, planManifests, planReleases } from './plan.js';

/** One entry of releases.json: the release without its repo, `values` a path relative to the render folder. */
export type ReleaseEntry = Omit<HelmRelease, 'values' | 'repo'> & { values: string };

export function valuesPath(release: HelmRelease): string {
  return `${release.cluster}/values/${release.release}.yaml`;
}

export function manifestPath(cluster: string, file: ManifestFile): string {
  return `${cluster}/manifests/${file.file}`;
}

export function releaseEntry(r: HelmRelease): ReleaseEntry {
  return {
    cluster: r.cluster,
    context: r.context,
    namespace: r.namespace,
    release: r.release,
    chart: r.chart,
    version: r.version,
    values: valuesPath(r),
  };
}

/** Relative path -> content of the files for these releases and manifests of one cluster. */
export function clusterFiles(cluster: string, releases: readonly HelmRelease[], manifests: readonly ManifestFile[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of releases)
    files.set(
      valuesPath(r),
      `# ${r.chart} ${r.version} as release ${r.release} in ${r.namespace} (${r.context})\n${toYamlDocument(r.values)}`,
    );
  for (const m of manifests) files.set(manifestPath(cluster, m), toYaml(m.objects));
  return files;
}

/** Where render.mjs shows the route lists a cluster's NATS Secret carries (passwords replaced). */
export function routesPath(cluster: string): string {
  return `${cluster}/nats-routes.json`;
}

/**
 * Everything render.mjs writes, as relative path -> content. Pure. `routes`: per cluster, the route
 * list of each release as the credentials Secret carries it, with a placeholder for the password.
 */
export function renderPlan(plans: readonly ClusterPlan[], routes: Record<string, Record<string, string[]>> = {}): Map<string, string> {
  const files = new Map<string, string>();
  const releases: ReleaseEntry[] = [];
  for (const plan of plans) {
    for (const [p, c] of clusterFiles(plan.target.name, planReleases(plan), planManifests(plan))) files.set(p, c);
    releases.push(...planReleases(plan).map(releaseEntry));
    const lists = routes[plan.target.name];
    if (lists) files.set(routesPath(plan.target.name), `${JSON.stringify(lists, null, 2)}\n`);
  }
  files.set('releases.json', `${JSON.stringify(releases, null, 2)}\n`);
  return files;
}

export function writeFiles(dir: string, files: Map<string, string>): void {
  for (const [rel, content] of files) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
