// What status says about the WAN layer: the delays in force, a partition (a cause of its own:
// each side then sees the other as down), a router that is not running.
import { commandHint } from '../../../core/hint.js';
import type { SectionProblem } from '../../../nats/diagnose.js';
import type { ObservationSection } from '../../../nats/observation.js';
import { readLinks, routerPid } from './control.js';
import { describeWan, pairRegions } from './spec.js';

/**
 * `edges`: the sandbox's edge sites and the regions each links to: an edge site is named as the
 * side cut off, and one cut from all of them explains its other problems (its leafnode, its services).
 */
export function wanSection(sandboxDir: string, edges: ReadonlyMap<string, readonly string[]> = new Map()): ObservationSection | undefined {
  const links = readLinks(sandboxDir);
  if (!links) return undefined;
  const problems: SectionProblem[] = [];
  const pid = routerPid(sandboxDir);
  if (!pid) {
    problems.push({
      text: `the WAN router is not running: no connection crosses regions; fix: ${commandHint('06-supercluster')} starts it again`,
      underlies: true,
    });
  }
  if (links.cut.length) {
    const cutOff = new Map<string, Set<string>>();
    for (const [a, b] of links.cut.map(pairRegions)) {
      cutOff.set(a, (cutOff.get(a) ?? new Set()).add(b));
      cutOff.set(b, (cutOff.get(b) ?? new Set()).add(a));
    }
    // Name edge sites first, then the side cut from the most regions: "c3 is cut off from c1, c2".
    const named = new Set<string>();
    const order = (x: [string, Set<string>]) => (edges.has(x[0]) ? 1000 : 0) + x[1].size;
    for (const [site, others] of [...cutOff].sort((x, y) => order(y) - order(x))) {
      if (named.has(site)) continue;
      const rest = [...others].filter((o) => !named.has(o));
      if (!rest.length) continue;
      named.add(site);
      const linked = edges.get(site);
      const isolated = linked?.every((r) => others.has(r)) === true;
      problems.push({
        text: isolated
          ? `edge site ${site} is cut off from ${rest.join(', ')} by partition.mjs: it stores locally and forwards once healed; heal: ${commandHint('partition', ['--heal'])}`
          : `${site} is cut off from ${rest.join(', ')} by partition.mjs: each side sees the other as down; heal: ${commandHint('partition', ['--heal'])}`,
        ...(isolated ? { explains: site } : {}),
      });
    }
  }
  return {
    name: 'wan',
    problems,
    json: { wan: { rttMs: links.rttMs, cut: links.cut, router: pid ?? null } },
    text: [
      `WAN layer: ${describeWan(links.rttMs)}${links.cut.length ? `; cut: ${links.cut.map((k) => pairRegions(k).join('/')).join(', ')}` : ''}`,
    ],
  };
}
