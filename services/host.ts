// Which roles one services process hosts, and the names they go by. The local sandbox runs one
// process per region hosting the four math services and the recorder (one Node runtime instead
// of five); in Kubernetes each role keeps its own Deployment. Pure.
import { SERVICE_NAMES } from './math/operations.js';

export const HOSTABLE_ROLES: readonly string[] = [...SERVICE_NAMES, 'recorder'];

/** A role's connection variables carry this prefix in a host (RECORDER_NATS_TLS_DIR); math uses plain NATS_*. */
export function rolePrefix(role: string): string | undefined {
  return role === 'recorder' ? 'RECORDER' : undefined;
}

/** Bad --roles: the process exits 2 with this message. */
export class RolesError extends Error {}

/** `adder,subtractor,recorder` -> the roles, checked: known, each once, at least one. */
export function parseRoles(list: string | undefined): string[] {
  const roles = (list ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!roles.length) throw new RolesError(`--roles needs a comma-separated list of ${HOSTABLE_ROLES.join(', ')}`);
  const unknown = roles.filter((r) => !HOSTABLE_ROLES.includes(r));
  if (unknown.length) throw new RolesError(`unknown role(s) ${unknown.join(', ')}; one of ${HOSTABLE_ROLES.join(', ')}`);
  const twice = roles.filter((r, i) => roles.indexOf(r) !== i);
  if (twice.length) throw new RolesError(`role(s) given twice: ${[...new Set(twice)].join(', ')}`);
  return roles;
}

/** The instance name of a hosted role: c1-adder-0, the name a process of its own had. */
export function roleInstance(region: string, role: string, index: number): string {
  return `${region}-${role}-${index}`;
}

/** The name of a region's host process: c1-services-0. */
export function hostName(region: string, index: number): string {
  return `${region}-services-${index}`;
}
