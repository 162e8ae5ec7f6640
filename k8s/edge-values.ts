// Helm values of the official `nats` chart for an edge site: one release in its hub's cluster,
// derived from the very config the local provider runs for an edge server (edgeServerConfig):
// clients over TLS mapped to the same users, JetStream in the edge's own domain, and a leafnode
// remote to its hub's ingress first and its fallback region's after it.
//
// The remote goes into config.merge, not config.leafnodes: the chart's config.leafnodes.enabled
// always writes a listener (`port`, files/config/leafnodes.yaml), and an edge site dials out only;
// a listener there would be a leafnode port without authorization. A leaf cluster of one server
// needs no routes and no gateway, so neither the credentials Secret nor any password enters the
// edge's pod (mTLS: every user is a certificate subject).

import { KUBERNETES_PORTS } from '../nats/addressing.js';
import type { ConfValue } from '../nats/conf.js';
import { edgeServerConfig } from '../nats/edges.js';
import type { EdgeSite } from '../nats/topology.js';
import { edgeReleaseName, edgeRemoteUrls } from './edges.js';
import { natsFullname } from './names.js';
import {
  type ChartTls,
  chartTls,
  JETSTREAM_DIR,
  jetstreamVolumeSize,
  KUBERNETES_SERVER_TLS,
  type NatsChartValues,
  type NatsValuesInput,
  natsImageTag,
} from './nats-values.js';

type Conf = Record<string, ConfValue>;

/** The nats chart keys an edge site's release sets. */
export interface EdgeChartValues {
  fullnameOverride: string;
  config: {
    serverNamePrefix: string;
    nats: { port: number; tls: ChartTls };
    monitor: { enabled: true; port: number };
    cluster: { enabled: false };
    gateway: { enabled: false };
    leafnodes: { enabled: false };
    jetstream: NatsChartValues['config']['jetstream'];
    merge: Conf;
  };
  container: { image: { tag: string } };
  reloader: { enabled: boolean };
  promExporter: NatsChartValues['promExporter'];
  podTemplate: NatsChartValues['podTemplate'];
  service: {
    ports: Record<'cluster' | 'gateway' | 'monitor', { enabled: boolean }>;
    merge: { metadata: { annotations: Record<string, string> } };
  };
  headlessService: { merge: { metadata: { annotations: Record<string, string> } } };
  natsBox: { enabled: false };
}

/** Where the edge's servers are, as the chart names them: it binds every interface of the pod. */
const ANY = '0.0.0.0';

/** The edge server's config as the local provider's model makes it, with the pod's paths and the ingress URLs. */
export function edgePodConfig(input: NatsValuesInput, edge: EdgeSite, name: string, ingressHost: (datacenter: string) => string): Conf {
  if (!input.tlsSecret) throw new Error(`edge site ${edge.name}: its leafnode logs in with the servers' certificate, so it needs mTLS`);
  return edgeServerConfig({
    topo: input.topo,
    edge,
    name,
    host: ANY,
    ports: { client: KUBERNETES_PORTS.client, monitor: KUBERNETES_PORTS.monitor },
    remoteUrls: edgeRemoteUrls(input.topo, edge, ingressHost),
    credentials: input.credentials,
    tls: KUBERNETES_SERVER_TLS,
    storeDir: JETSTREAM_DIR,
    jsLimits: input.jsLimits,
  }) as Conf;
}

/** Values of an edge site's release (it runs in its hub's cluster, `input.datacenter`). */
export function edgeReleaseValues(input: NatsValuesInput, edge: EdgeSite, ingressHost: (datacenter: string) => string): EdgeChartValues {
  if (edge.hub !== input.datacenter)
    throw new Error(`edge site ${edge.name} runs in its hub's cluster ${edge.hub}, not ${input.datacenter}`);
  if (edge.servers.length !== 1)
    throw new Error(`edge site ${edge.name}: a leaf cluster of ${edge.servers.length} servers is not built yet`);
  const fullname = natsFullname(edgeReleaseName(edge));
  const name = edge.servers[0]!;
  if (name !== `${fullname}-0`) throw new Error(`edge site ${edge.name}: its server ${name} is not the chart's pod ${fullname}-0`);
  const { server_name: _name, host, port, http_port, tls, jetstream, ...merge } = edgePodConfig(input, edge, name, ingressHost);
  if (host !== ANY) throw new Error(`edge site ${edge.name}: the chart binds every interface, not ${String(host)}`);
  const { store_dir, ...js } = jetstream as Conf;
  if (store_dir !== JETSTREAM_DIR)
    throw new Error(`edge site ${edge.name}: the JetStream store directory is the chart's (${JETSTREAM_DIR})`);
  const opaque = { 'config.linkerd.io/opaque-ports': input.opaquePorts };
  return {
    fullnameOverride: fullname,
    config: {
      serverNamePrefix: '',
      nats: { port: port as number, tls: chartTls(tls as Conf, `${name} tls`, input.tlsSecret) },
      monitor: { enabled: true, port: http_port as number },
      cluster: { enabled: false },
      gateway: { enabled: false },
      leafnodes: { enabled: false },
      jetstream: {
        enabled: true,
        fileStore: {
          enabled: true,
          dir: JETSTREAM_DIR,
          pvc: {
            enabled: true,
            size: jetstreamVolumeSize(input.jsLimits.maxFileBytes),
            ...(input.storageClass ? { storageClassName: input.storageClass } : {}),
          },
        },
        memoryStore: { enabled: false },
        merge: js,
      },
      merge,
    },
    container: { image: { tag: natsImageTag(input.serverVersion) } },
    reloader: { enabled: true },
    promExporter: { enabled: true, podMonitor: { enabled: true, merge: { metadata: { labels: { release: input.prometheusRelease } } } } },
    podTemplate: { configChecksumAnnotation: true, merge: { metadata: { annotations: opaque } } },
    service: {
      ports: { cluster: { enabled: false }, gateway: { enabled: false }, monitor: { enabled: true } },
      merge: { metadata: { annotations: opaque } },
    },
    headlessService: { merge: { metadata: { annotations: opaque } } },
    natsBox: { enabled: false },
  };
}
