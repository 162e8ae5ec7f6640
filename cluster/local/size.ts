// What a local sandbox of a given size takes of this machine, estimated before anything starts:
// servers, ports, memory, servers per CPU. Measured on nats-server 2.14.2, 2 vCPUs
// (docs/measurements.md): 36 servers idle take 12.5 MiB each (PSS); while a larger mesh forms each
// takes more (48 servers peaked at 44 MiB each and converged in 13.8 s; 60 did not converge in
// 150 s and peaked at 100 MiB each; 144 took over 19 GiB and did not converge in 4m46s: TLS
// handshakes time out on starved CPUs and every server retries). Pure.
import { commandHint } from '../../core/hint.js';
import type { Topology } from '../../nats/topology.js';

/** The default sandbox (c1 c2 c3 at full replicas): no estimate is said for it or anything smaller. */
export const DEFAULT_SERVERS = 36;
/** Memory of one nats-server while a mesh of up to MAX_SERVERS_PER_CPU per CPU forms (the peak). */
export const SERVER_MIB = 44;
/** The most servers per CPU measured to converge (48 on 2 vCPUs); past it the mesh may never form. */
export const MAX_SERVERS_PER_CPU = 24;
/** Of one region's services host and of MariaDB, which stage 08 adds. */
export const SERVICES_HOST_MIB = 35;
export const MARIADB_MIB = 60;
/** Share of the memory available now that a sandbox may take without --yes. */
export const MEMORY_SHARE = 0.8;

export interface SizeEstimate {
  servers: number;
  ports: number;
  memoryMiB: number;
}

export function estimate(topo: Topology): SizeEstimate {
  const servers = topo.servers.length;
  return { servers, ports: servers * 4, memoryMiB: servers * SERVER_MIB + topo.names.length * SERVICES_HOST_MIB + MARIADB_MIB };
}

export interface SizeVerdict {
  /** Said before starting (a sandbox larger than the default). */
  line?: string;
  /** Why it is refused (more than the machine holds, no --yes). */
  refusal?: string;
}

/**
 * What to say and whether to start: `startingMiB` is what the servers about to start take (the
 * ones running already are in `availableMiB`'s account), `availableMiB` what the machine has free.
 */
export function judgeSize(topo: Topology, startingMiB: number, availableMiB: number, cpus: number, yes: boolean): SizeVerdict {
  const e = estimate(topo);
  const line =
    e.servers > DEFAULT_SERVERS
      ? `size: ${e.servers} servers, ${e.ports} ports, about ${formatMiB(e.memoryMiB)} of memory with the services (${Math.round(availableMiB)} MiB available now), ${(e.servers / cpus).toFixed(0)} servers per CPU`
      : undefined;
  if (startingMiB > 0 && e.servers > MAX_SERVERS_PER_CPU * cpus && !yes) {
    return {
      ...(line ? { line } : {}),
      refusal: `${e.servers} servers on ${cpus} CPU(s) is ${(e.servers / cpus).toFixed(0)} per CPU; past ${MAX_SERVERS_PER_CPU} per CPU the mesh was measured not to form (60 servers on 2 CPUs did not converge in 150 s, 144 drowned the machine): TLS handshakes time out and every server retries\nfix: fewer names or smaller --replicas (e.g. --replicas seed=1,js=1,gw=1,xr=1), or ${commandHint('install', [...topo.names, '--yes'])} to start them anyway`,
    };
  }
  if (startingMiB > availableMiB * MEMORY_SHARE && !yes) {
    return {
      ...(line ? { line } : {}),
      refusal: `the servers to start need about ${formatMiB(startingMiB)} and this machine has ${Math.round(availableMiB)} MiB available: starting them would crowd out everything else\nfix: fewer names or smaller --replicas (e.g. --replicas seed=1,js=1,gw=1,xr=1), or ${commandHint('install', [...topo.names, '--yes'])} to start them anyway`,
    };
  }
  return line ? { line } : {};
}

function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}
