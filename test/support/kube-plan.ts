// The plan input the Kubernetes unit tests render from: three clusters by default, test
// credentials whose values tests look for to prove they never leak, pinned chart versions.
import { FLAVORS } from '../../cluster/kubernetes/flavor.js';
import { readKubeSettings, readSettings } from '../../core/settings.js';
import { type ClusterPlan, kubePlan, type PlanInput } from '../../k8s/plan.js';
import { type KubeProvider, pendingIngressHost } from '../../k8s/targets.js';
import { k3dIngressHost } from '../../nats/addressing.js';
import type { JwtServerAuth } from '../../nats/jwt-auth.js';
import { type Credentials, DEFAULT_JS_LIMITS } from '../../nats/server-config.js';
import { buildTopology, defaultOptions, type EdgeName } from '../../nats/topology.js';

export const TEST_CREDENTIALS: Credentials = {
  sys: 'sys-secret-1',
  admin: 'admin-secret-1',
  math: 'math-secret-1',
  requester: 'req-secret-1',
  recorder: 'rec-secret-1',
  gateway: { user: 'gateway', password: 'gw-secret-1' },
  route: { user: 'route', password: 'route-secret-1' },
};

export interface TestPlanOptions {
  names?: string[];
  /** Edge sites, e.g. [{ name: 'e1', hub: 'c1' }]. */
  edges?: EdgeName[];
  /** kubectl contexts per name (kube). */
  contexts?: Record<string, string>;
  credentials?: Credentials;
  /** Settings from this environment (chart pins, RECORDER_CLUSTER...). */
  env?: NodeJS.ProcessEnv;
  /** Default: k3d's node names, or the kube placeholders. */
  ingressHost?: (cluster: string) => string;
  servicesImage?: string;
  /** Operator mode: what the servers trust (ensureJwtAuth(dir, false).server makes real ones in memory). */
  jwt?: JwtServerAuth;
}

export function testPlanInput(provider: KubeProvider = 'k3d', o: TestPlanOptions = {}): PlanInput {
  const names = o.names ?? ['c1', 'c2', 'c3'];
  return {
    sharedCluster: FLAVORS[provider].sharedCluster,
    topo: buildTopology(names, defaultOptions(), o.edges ?? []),
    targets: FLAVORS[provider].targets(names, o.contexts ?? {}),
    settings: readKubeSettings(o.env ?? {}),
    jsLimits: DEFAULT_JS_LIMITS,
    stretchedRoutes: readSettings(o.env ?? {}).stretchedRoutes,
    credentials: o.credentials ?? TEST_CREDENTIALS,
    ingressHost: o.ingressHost ?? (provider === 'k3d' ? k3dIngressHost : pendingIngressHost),
    servicesImage: o.servicesImage ?? 'nats-sandbox-services:test',
    ...(o.jwt ? { jwt: o.jwt } : {}),
  };
}

export function testPlans(provider: KubeProvider = 'k3d', o: TestPlanOptions = {}): ClusterPlan[] {
  return kubePlan(testPlanInput(provider, o));
}
