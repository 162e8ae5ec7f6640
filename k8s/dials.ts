// Every address a NATS server, client or Job of the plan dials, read from the rendered output (the
// route lists of the credentials Secret, the gateway blocks and edge sites' leafnode remotes of the
// helm values, the NATS_URL of every workload) rather than from the model, so a test can hold each against the certificate of
// the server behind it, and render.mjs can show what the routes dial.
import { natsSecretData } from './nats-values.js';
import type { K8sObject } from './objects.js';
import { type ClusterPlan, natsValuesInput, type PlanInput } from './plan.js';

export interface Dial {
  /** The cluster the dialling pod runs in. */
  from: string;
  /** Who dials, and why (e.g. "routes of c1-js", "gateway c2 of xr-js"). */
  by: string;
  host: string;
  port: number;
}

/** Stands for the route password wherever render.mjs shows a route URL. */
export const PASSWORD_PLACEHOLDER = '<route-password>';

/** The route lists of a cluster's NATS Secret (`routes.<release>`), passwords replaced by the placeholder. */
export function routeLists(input: PlanInput, cluster: string): Record<string, string[]> {
  const target = input.targets.find((t) => t.name === cluster);
  if (!target) throw new Error(`no cluster ${cluster} in the plan`);
  const data = natsSecretData(natsValuesInput(input, target));
  return Object.fromEntries(
    Object.entries(data)
      .filter(([k]) => k.startsWith('routes.'))
      .map(([k, v]) => [
        k.slice('routes.'.length),
        (JSON.parse(v) as string[]).map((url) => url.replace(/\/\/([^:/@]+):[^@/]*@/, `//$1:${PASSWORD_PLACEHOLDER}@`)),
      ]),
  );
}

function hostPort(url: string, where: string): { host: string; port: number } {
  const u = new URL(url.includes('://') ? url : `nats://${url}`);
  if (!u.port) throw new Error(`${where}: ${url} has no port`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}

interface ReleaseValues {
  fullnameOverride: string;
  config: {
    gateway: { merge?: { name: string; advertise?: string; gateways?: { name: string; urls: string[] }[] } };
    /** An edge site's leafnode remotes (k8s/edge-values.ts puts them in config.merge). */
    merge?: { leafnodes?: { remotes?: { urls: string[] }[] } };
  };
  natsBox?: { enabled: boolean; contexts?: Record<string, unknown> };
}

/** nats-box's contexts dial the release's client service (files/nats-box/contexts-secret/context.yaml: url nats://<service>). */
const NATS_BOX_PORT = 4222;

/** NATS_URL of every container of these objects (Deployments, StatefulSets, Jobs). */
function clientUrls(objects: readonly K8sObject[]): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const o of objects) {
    const spec = (o as { spec?: { template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } } } })
      .spec;
    for (const c of spec?.template?.spec?.containers ?? []) {
      const url = c.env?.find((e) => e.name === 'NATS_URL')?.value;
      if (url) out.push({ name: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, url });
    }
  }
  return out;
}

/**
 * Every dial of the plan. Advertised gateway addresses are gossiped to every cluster's servers,
 * which dial them from where they are, so each counts as dialled from every cluster.
 */
export function natsDials(input: PlanInput, plans: readonly ClusterPlan[]): Dial[] {
  const dials: Dial[] = [];
  const clusters = plans.map((p) => p.target.name);
  for (const plan of plans) {
    const from = plan.target.name;
    for (const [release, urls] of Object.entries(routeLists(input, from)))
      for (const url of urls) dials.push({ from, by: `routes of ${release}`, ...hostPort(url, `routes of ${release}`) });
    for (const r of plan.supercluster.nats) {
      const values = r.values as unknown as ReleaseValues;
      if (values.natsBox?.enabled)
        for (const name of Object.keys(values.natsBox.contexts ?? {}))
          dials.push({ from, by: `nats-box context ${name} of ${r.release}`, host: values.fullnameOverride, port: NATS_BOX_PORT });
      const gateway = values.config.gateway.merge ?? { name: '' };
      for (const g of gateway.gateways ?? [])
        for (const url of g.urls) dials.push({ from, by: `gateway ${g.name} of ${r.release}`, ...hostPort(url, r.release) });
      for (const remote of values.config.merge?.leafnodes?.remotes ?? [])
        for (const url of remote.urls) dials.push({ from, by: `leafnode remote of ${r.release}`, ...hostPort(url, r.release) });
      if (gateway.advertise)
        for (const c of clusters)
          dials.push({ from: c, by: `advertised gateway of ${r.release} in ${from}`, ...hostPort(gateway.advertise, r.release) });
    }
    const workloads = [plan.services.workloads, plan.services.requester, ...(plan.jetstream ? [plan.jetstream.job] : [])];
    for (const { name, url } of clientUrls(workloads.flatMap((m) => m.objects))) dials.push({ from, by: name, ...hostPort(url, name) });
  }
  return dials;
}
