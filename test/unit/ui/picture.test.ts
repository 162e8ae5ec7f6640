import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Observation, observation } from '../../../nats/observation.js';
import { buildTopology } from '../../../nats/topology.js';
import { layoutPicture, pictureGraph } from '../../../ui/layout.js';
import { jetstreamPanel, servicesPanel, verdictPanel } from '../../../ui/panels.js';
import { escapeXml, renderSvg } from '../../../ui/svg.js';
import { viewModel } from '../../../ui/view-model.js';
import { healthyLive } from '../../support/live.js';
import { SMALL, smallObservation } from '../../support/observation-fixture.js';

describe('picture', () => {
  it('gives ELK one box per region holding its cluster and its share of xr-js, the stretched routes and the gateway mesh', () => {
    const g = pictureGraph(viewModel(smallObservation()));
    const supercluster = g.root.children!.find((c) => c.id === 'supercluster')!;
    const regions = supercluster.children!.filter((c) => c.id.startsWith('region:'));
    assert.deepEqual(
      regions.map((r) => r.children!.map((c) => c.id)),
      [
        ['cluster:c1', 'share:c1'],
        ['cluster:c2', 'share:c2'],
        ['cluster:c3', 'share:c3'],
      ],
    );
    assert.deepEqual(
      supercluster.edges!.map((e) => [e.sources[0], e.targets[0]]),
      [
        ['share:c1', 'share:c2'],
        ['share:c2', 'share:c3'],
      ],
    );
    const mesh = g.root.children!.find((c) => c.id === 'mesh')!;
    assert.equal(mesh.children!.length, 4);
    assert.equal(mesh.edges!.length, 6);
  });

  it('draws a laid-out SVG with every server, its health, the meta leader, the verdict and the panels', async () => {
    const v = viewModel(smallObservation(['c1', 'c2', 'c3'], ['c3']));
    const svg = renderSvg(await layoutPicture(v), v);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    for (const s of v.regions.flatMap((r) => [...r.cluster.servers, ...r.stretched])) {
      assert.match(svg, new RegExp(`data-server="${s.name}" data-role="${s.role}" data-health="${s.health}"`));
    }
    assert.match(svg, /data-server="c3-js-nats-0" data-role="js" data-health="down"/);
    assert.match(svg, /data-server="c1-js-nats-0" data-role="js" data-health="up" data-meta-leader="true"/);
    assert.match(svg, /class="gateway" data-link="c1\|c3" data-state="down"/);
    assert.match(svg, /class="stretched-route" data-link="c1\|c2" data-state="up"/);
    assert.match(svg, /NOT OK: \d+ problem\(s\)/);
    assert.match(svg, /- region c3 is down: none of its 4 servers answer/);
    assert.match(svg, /data-panel="jetstream"/);
    assert.match(svg, /data-panel="services"/);
    // every drawn coordinate is a number ELK gave
    assert.doesNotMatch(svg, /NaN|undefined/);
  });

  it('leaves the verdict out when the page shows it itself', async () => {
    const v = viewModel(smallObservation());
    const svg = renderSvg(await layoutPicture(v), v, { header: false });
    assert.doesNotMatch(svg, /class="verdict"/);
    assert.match(svg, /data-server="c1-nats-0"/);
  });

  it('shows the WAN layer (delays, a partition as a cause) when the sandbox has one', () => {
    const o = smallObservation();
    const wan = observation({
      topology: o.topology,
      live: o.live,
      sections: [
        {
          name: 'wan',
          problems: [
            {
              text: 'c3 is cut off from c1, c2 by partition.mjs: each side sees the other as down; heal: npx zx scripts/partition.mjs --heal',
            },
          ],
          json: {},
          text: ['WAN layer: every pair 60 ms; cut: c1/c3, c2/c3'],
        },
      ],
    });
    const lines = verdictPanel(viewModel(wan)).lines;
    assert.ok(lines.some((l) => l.tone === 'bad' && /c3 is cut off from c1, c2/.test(l.text)));
    assert.deepEqual(lines.at(-1), { text: 'WAN layer: every pair 60 ms; cut: c1/c3, c2/c3', tone: 'muted' });
    assert.ok(!verdictPanel(viewModel(o)).lines.some((l) => /WAN/.test(l.text)), 'nothing without the layer');
  });

  it('writes panels as lines with a tone', () => {
    const v = viewModel(smallObservation(['c1', 'c2', 'c3'], ['c3']));
    assert.deepEqual(verdictPanel(v).lines[0], { text: v.verdict, tone: 'bad' });
    const js = jetstreamPanel(v).lines.map((l) => l.text);
    assert.deepEqual(js.slice(0, 2), ['meta leader: c1-js-nats-0', 'answers R3 [xr-js dc:xr] leader c1-xr-js-nats-0 · 42 msgs']);
    assert.ok(js.includes('    c3-xr-js-nats-0: behind, lag 7'));
    assert.ok(js.includes('KV sandbox-config R3 [xr-js] · 3 values'));
    assert.deepEqual(servicesPanel(v).lines, [
      { text: 'c1: 2 instance(s) · 15 requests · 2 errors', tone: 'warn' },
      { text: '    adder-c1, divider-c1', tone: 'muted' },
      { text: 'c2: 1 instance(s) · 7 requests · 0 errors', tone: 'normal' },
      { text: '    adder-c2', tone: 'muted' },
      { text: 'c3: no service answers', tone: 'bad' },
    ]);
  });

  it('escapes text', () => {
    assert.equal(escapeXml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});

describe('edge sites on the page', () => {
  const topology = buildTopology(['c1', 'c2', 'c3'], SMALL, [
    { name: 'e1', hub: 'c1' },
    { name: 'e2', hub: 'c2' },
  ]);
  const withEdges = (edges: Observation['edges']) =>
    observation({ topology, live: healthyLive(topology, () => true), ...(edges ? { edges } : {}), at: new Date('2026-01-01T00:00:00Z') });

  it('are drawn beside their hub: connected, on the fallback, cut off, down', async () => {
    const v = viewModel(
      withEdges([
        { name: 'e1-leaf-nats-0', answered: true, leafs: [{ server: 'c2-nats-0', account: 'APP' }], domain: 'e1' },
        { name: 'e2-leaf-nats-0', answered: true, leafs: [], domain: 'e2' },
      ]),
    );
    const [e1] = v.regions.find((r) => r.name === 'c1')!.edges;
    const [e2] = v.regions.find((r) => r.name === 'c2')!.edges;
    assert.deepEqual([e1!.health, e1!.onFallback, e1!.connectedTo], ['up', true, ['c2-nats-0']]);
    assert.deepEqual([e2!.health, e2!.servers[0]!.why], ['degraded', ['no leafnode connection: cut off, storing locally']]);
    assert.equal(viewModel(withEdges(undefined)).regions[0]!.edges[0]!.health, 'down', 'nothing asked: not shown as up');
    const svg = renderSvg(await layoutPicture(v), v);
    assert.match(svg, /<g class="edge-site" data-edge="e1" data-health="up">.*edge e1 · domain e1 · -&gt; c2-nats-0 \(fallback\)/s);
    assert.match(svg, /<g class="edge-site" data-edge="e2" data-health="degraded">.*edge e2 · domain e2 · cut off/s);
    assert.match(svg, /data-server="e1-leaf-nats-0" data-role="leaf"/);
    assert.deepEqual(
      servicesPanel(v)
        .lines.map((l) => l.text)
        .filter((t) => t.includes('(edge)')),
      ['e1 (edge): no service answers', 'e2 (edge): no service answers'],
    );
  });
});
