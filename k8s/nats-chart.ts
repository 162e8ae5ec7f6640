// What nats-server configuration a pod of the official `nats` chart ends up with, given helm values
// and the Secrets its environment reads from: a model of the chart's config templates
// (files/config/*.yaml, `nats.loadMergePatch` = sprig mergeOverwrite, `<< $VAR >>` unquoting,
// SERVER_NAME = serverNamePrefix + pod name, files/config/tls.yaml and the Secret volumes of
// `nats.secretNames`/`tlsCA`) at the pinned chart version. Tests use it to check that the values
// express the same servers the local provider runs, and that every file the config names is in a
// Secret the pod mounts.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const tlsDefaults = (protocol: string): Obj => ({
  enabled: false,
  secretName: null,
  dir: `/etc/nats-certs/${protocol}`,
  cert: 'tls.crt',
  key: 'tls.key',
  merge: {},
});

/** Chart defaults for the keys the config templates read. */
const CHART_DEFAULTS: Obj = {
  tlsCA: { enabled: false, configMapName: null, secretName: null, dir: '/etc/nats-ca-cert', key: 'ca.crt' },
  config: {
    cluster: { enabled: false, port: 6222, replicas: 3, noAdvertise: true, tls: tlsDefaults('cluster'), merge: {} },
    jetstream: {
      enabled: false,
      fileStore: { enabled: true, dir: '/data', pvc: { enabled: true, size: '10Gi' }, maxSize: null },
      memoryStore: { enabled: false, maxSize: '1Gi' },
      merge: {},
    },
    nats: { port: 4222, tls: tlsDefaults('nats') },
    leafnodes: { enabled: false, port: 7422, tls: tlsDefaults('leafnodes'), merge: {} },
    gateway: { enabled: false, port: 7222, tls: tlsDefaults('gateway'), merge: {} },
    monitor: { enabled: true, port: 8222 },
    resolver: { enabled: false, dir: '/data/resolver', pvc: { enabled: true, size: '1Gi' }, merge: {} },
    serverNamePrefix: '',
    merge: {},
  },
  container: { env: {} },
};

/** mergo's "empty" values, which mergeOverwrite does not copy over. */
function isEmpty(v: Json | undefined): boolean {
  return (
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObj(v) && Object.keys(v).length === 0)
  );
}

/** sprig mergeOverwrite: maps merge recursively, any other non-empty value of `src` replaces. */
export function mergeOverwrite(dst: Obj, src: Obj): Obj {
  const out: Obj = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const cur = out[k];
    if (isObj(cur) && isObj(v)) out[k] = mergeOverwrite(cur, v);
    else if (!isEmpty(v) || cur === undefined) out[k] = v;
  }
  return out;
}

/** helm's coalescing of user values over chart defaults (user values win, maps merge, null deletes a default). */
export function coalesce(defaults: Obj, values: Obj): Obj {
  const out: Obj = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    const cur = out[k];
    if (v === null) delete out[k];
    else out[k] = isObj(cur) && isObj(v) ? coalesce(cur, v) : v;
  }
  return out;
}

function get(o: Obj, path: string): Json | undefined {
  let node: Json | undefined = o;
  for (const k of path.split('.')) node = isObj(node) ? node[k] : undefined;
  return node;
}

/** Secret data by secret name, then key. */
export type SecretStore = Record<string, Record<string, string>>;

function containerEnv(values: Obj, secrets: SecretStore): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, v] of Object.entries((get(values, 'container.env') as Obj | undefined) ?? {})) {
    if (typeof v === 'string') {
      env[name] = v;
      continue;
    }
    const ref = isObj(v) ? (get(v, 'valueFrom.secretKeyRef') as Obj | undefined) : undefined;
    if (!ref) throw new Error(`env ${name}: only plain values and secretKeyRef are modelled`);
    const value = secrets[String(ref.name)]?.[String(ref.key)];
    if (value === undefined) throw new Error(`env ${name}: secret ${String(ref.name)} has no key ${String(ref.key)}`);
    env[name] = value;
  }
  return env;
}

/** `<< $VAR >>` is written unquoted; nats-server then parses the variable's value as config. */
function resolveReferences(v: Json, env: Record<string, string>): Json {
  if (typeof v === 'string') {
    const m = /^<<\s+(.*?)\s+>>$/.exec(v);
    if (!m) return v;
    const raw = m[1]!;
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw);
    if (!variable) return { raw } as unknown as Json;
    const value = env[variable[1]!];
    if (value === undefined) throw new Error(`nats-server would fail: variable ${variable[1]} is not in the environment`);
    try {
      return JSON.parse(value) as Json;
    } catch {
      throw new Error(`${variable[1]}: only JSON literals are modelled (got ${value.slice(0, 20)}…)`);
    }
  }
  if (Array.isArray(v)) return v.map((x) => resolveReferences(x, env));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveReferences(x, env)]));
  return v;
}

export function chartFullname(values: Obj, release: string): string {
  const override = get(values, 'fullnameOverride');
  if (typeof override === 'string' && override) return override;
  return release.includes('nats') ? release : `${release}-nats`;
}

/** A Secret (or ConfigMap) volume of the pod and where the nats container mounts it. */
export interface Mount {
  dir: string;
  secretName?: string;
  configMapName?: string;
}

/**
 * The resolver's volume: the chart mounts its PVC at `config.resolver.dir` only with
 * `config.resolver.pvc.enabled` (files/stateful-set/nats-container.yaml, stateful-set.yaml).
 */
export function resolverMount(
  userValues: Record<string, unknown>,
  release: string,
): { dir: string; pvc: string; size: string } | undefined {
  const values = coalesce(CHART_DEFAULTS, userValues as Obj);
  const r = get(values, 'config.resolver') as Obj;
  if (!r.enabled || !get(r, 'pvc.enabled')) return undefined;
  const name = (get(r, 'pvc.name') as string | undefined) || `${chartFullname(values, release)}-resolver`;
  return { dir: String(r.dir), pvc: name, size: String(get(r, 'pvc.size')) };
}

/** The certificate volumes the chart gives the nats container (`nats.secretNames`, `nats.tlsCAVolume`). */
export function tlsMounts(userValues: Record<string, unknown>): Mount[] {
  const values = coalesce(CHART_DEFAULTS, userValues as Obj);
  const mounts: Mount[] = [];
  for (const protocol of ['nats', 'leafnodes', 'cluster', 'gateway']) {
    const p = get(values, `config.${protocol}`) as Obj;
    const tls = p.tls as Obj;
    if ((protocol === 'nats' || p.enabled) && tls.enabled && tls.secretName)
      mounts.push({ dir: trimSlash(String(tls.dir)), secretName: String(tls.secretName) });
  }
  const ca = get(values, 'tlsCA') as Obj;
  if (ca.enabled && (ca.configMapName || ca.secretName)) {
    mounts.push({
      dir: trimSlash(String(ca.dir)),
      ...(ca.configMapName ? { configMapName: String(ca.configMapName) } : { secretName: String(ca.secretName) }),
    });
  }
  const dirs = mounts.map((m) => m.dir);
  const twice = dirs.find((d, i) => dirs.indexOf(d) !== i);
  if (twice) throw new Error(`the pod would not start: two volumes mounted at ${twice}`);
  return mounts;
}

const trimSlash = (dir: string) => dir.replace(/\/+$/, '');

/** files/config/tls.yaml, then the block's merge. */
function tlsDoc(values: Obj, tls: Obj): Obj {
  const doc: Obj = {};
  if (tls.secretName) {
    const dir = trimSlash(String(tls.dir));
    doc.cert_file = `${dir}/${String(tls.cert || 'tls.crt')}`;
    doc.key_file = `${dir}/${String(tls.key || 'tls.key')}`;
  }
  const ca = get(values, 'tlsCA') as Obj;
  if (ca.enabled && (ca.configMapName || ca.secretName)) doc.ca_file = `${trimSlash(String(ca.dir))}/${String(ca.key || 'ca.crt')}`;
  return mergeOverwrite(doc, (tls.merge as Obj) ?? {});
}

/** nats-server fails to start on a certificate file that is not there: each must be a key of a mounted Secret. */
function checkFiles(config: Json, mounts: Mount[], secrets: SecretStore, where = ''): void {
  if (Array.isArray(config)) {
    for (const [i, v] of config.entries()) checkFiles(v, mounts, secrets, `${where}[${i}]`);
  }
  if (!isObj(config)) return;
  for (const [k, v] of Object.entries(config)) {
    if ((k === 'cert_file' || k === 'key_file' || k === 'ca_file') && typeof v === 'string') {
      const slash = v.lastIndexOf('/');
      const mount = mounts.find((m) => m.dir === v.slice(0, slash));
      const name = mount?.secretName ?? mount?.configMapName;
      if (!mount || !name) throw new Error(`nats-server would fail: ${where}${k} ${v} is not in a mounted volume`);
      if (mount.secretName && secrets[mount.secretName]?.[v.slice(slash + 1)] === undefined) {
        throw new Error(`nats-server would fail: ${where}${k} ${v}: secret ${mount.secretName} has no key ${v.slice(slash + 1)}`);
      }
    } else {
      checkFiles(v, mounts, secrets, `${where}${k}.`);
    }
  }
}

/** The nats-server config (as an object) of pod `index` of release `release` with these values. */
export function chartServerConfig(userValues: Record<string, unknown>, release: string, index: number, secrets: SecretStore): Obj {
  const values = coalesce(CHART_DEFAULTS, userValues as Obj);
  const c = (path: string) => get(values, `config.${path}`);
  const fullname = chartFullname(values, release);
  const doc: Obj = {
    server_name: `${String(c('serverNamePrefix') ?? '')}${fullname}-${index}`,
    lame_duck_grace_period: '10s',
    lame_duck_duration: '30s',
    pid_file: '/var/run/nats/nats.pid',
    port: c('nats.port') as number,
  };
  const tlsOf = (protocol: string): Obj => (c(`${protocol}.tls.enabled`) ? { tls: tlsDoc(values, c(`${protocol}.tls`) as Obj) } : {});
  Object.assign(doc, tlsOf('nats'));
  // files/config/leafnodes.yaml
  if (c('leafnodes.enabled'))
    doc.leafnodes = mergeOverwrite(
      { port: c('leafnodes.port') as number, no_advertise: true, ...tlsOf('leafnodes') },
      (c('leafnodes.merge') as Obj) ?? {},
    );
  if (c('cluster.enabled')) {
    const port = c('cluster.port') as number;
    const replicas = c('cluster.replicas') as number;
    const proto = c('cluster.tls.enabled') ? 'tls' : 'nats';
    const routes = Array.from({ length: replicas }, (_, i) => `${proto}://${fullname}-${i}.${fullname}-headless:${port}`);
    doc.cluster = mergeOverwrite(
      { name: fullname, port, no_advertise: c('cluster.noAdvertise') as boolean, routes, ...tlsOf('cluster') },
      (c('cluster.merge') as Obj) ?? {},
    );
  }
  if (c('gateway.enabled'))
    doc.gateway = mergeOverwrite(
      { name: fullname, port: c('gateway.port') as number, ...tlsOf('gateway') },
      (c('gateway.merge') as Obj) ?? {},
    );
  if (c('monitor.enabled')) doc.http_port = c('monitor.port') as number;
  if (c('jetstream.enabled')) {
    const js: Obj = {};
    js.max_memory_store = c('jetstream.memoryStore.enabled') ? `<< ${String(c('jetstream.memoryStore.maxSize'))} >>` : 0;
    if (c('jetstream.fileStore.enabled')) {
      js.store_dir = c('jetstream.fileStore.dir') as string;
      const max = c('jetstream.fileStore.maxSize') ?? (c('jetstream.fileStore.pvc.enabled') ? c('jetstream.fileStore.pvc.size') : null);
      if (max) js.max_file_store = `<< ${String(max)} >>`;
    } else {
      js.max_file_store = 0;
    }
    doc.jetstream = mergeOverwrite(js, (c('jetstream.merge') as Obj) ?? {});
  }
  // files/config/resolver.yaml writes only `dir`; its merge adds the rest (type, preload...).
  if (c('resolver.enabled')) doc.resolver = mergeOverwrite({ dir: c('resolver.dir') as string }, (c('resolver.merge') as Obj) ?? {});
  const merged = mergeOverwrite(doc, (c('merge') as Obj) ?? {});
  const config = resolveReferences(merged, containerEnv(values, secrets)) as Obj;
  checkFiles(config, tlsMounts(userValues), secrets);
  return config;
}
