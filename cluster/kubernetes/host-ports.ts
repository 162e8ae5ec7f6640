// The ports of this machine a k3d cluster's haproxy ingress is mapped to (k3d's own load balancer,
// `--port <host>:<port>@loadbalancer`): NATS clients on 4222 and HTTP (Grafana) on 80. Node names
// such as k3d-c1-agent-0 resolve only inside the Docker network, so this is how the host gets in.
// A cluster keeps the ports it was made with (they are saved with it); new ones take the lowest
// free pair. Pure.
import { KUBERNETES_PORTS } from '../../nats/addressing.js';

export interface HostPorts {
  /** localhost:<client> reaches the cluster's regional NATS servers (haproxy TCP 4222). */
  client: number;
  /** localhost:<http> reaches the cluster's HTTP ingress (Grafana at grafana.<cluster>.local). */
  http: number;
}

/** Below Linux's ephemeral range (32768) and away from the local provider's 14222. */
export const HOST_PORT_BASES: HostPorts = { client: 24222, http: 28080 };

/** Ports of every name: the saved ones kept, the others the lowest offsets no saved cluster uses. */
export function assignHostPorts(names: readonly string[], saved: Readonly<Record<string, HostPorts>> = {}): Record<string, HostPorts> {
  const out: Record<string, HostPorts> = {};
  const taken = new Set(Object.values(saved).map((p) => p.client - HOST_PORT_BASES.client));
  for (const name of names) {
    const known = saved[name];
    if (known) {
      out[name] = known;
      continue;
    }
    let offset = 0;
    while (taken.has(offset)) offset++;
    taken.add(offset);
    out[name] = { client: HOST_PORT_BASES.client + offset, http: HOST_PORT_BASES.http + offset };
  }
  return out;
}

/** The `k3d cluster create` flags that map them. */
export function hostPortFlags(ports: HostPorts): string[] {
  return ['--port', `${ports.client}:${KUBERNETES_PORTS.client}@loadbalancer`, '--port', `${ports.http}:80@loadbalancer`];
}

/** What a NATS client on this machine dials to reach the cluster (localhost is in its server certificate). */
export function hostClientUrl(ports: HostPorts): string {
  return `nats://localhost:${ports.client}`;
}
