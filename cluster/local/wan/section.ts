// What status says about the WAN layer: the delays in force, a partition (a cause of its own:
// each side then sees the other as down), a router that is not running.
import { commandHint } from '../../../core/hint.js';
import type { SectionProblem } from '../../../nats/diagnose.js';
import type { ObservationSection } from '../../../nats/observation.js';
import { readLinks, routerPid } from './control.js';
import { describeWan, pairRegions } from './spec.js';

export function wanSection(sandboxDir: string): ObservationSection | undefined {
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
    // Name the side cut from the most regions first: "c3 is cut off from c1, c2".
    const named = new Set<string>();
    for (const [region, others] of [...cutOff].sort((x, y) => y[1].size - x[1].size)) {
      if (named.has(region)) continue;
      const rest = [...others].filter((o) => !named.has(o));
      if (!rest.length) continue;
      named.add(region);
      problems.push({
        text: `${region} is cut off from ${rest.join(', ')} by partition.mjs: each side sees the other as down; heal: ${commandHint('partition', ['--heal'])}`,
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
