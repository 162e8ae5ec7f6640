// ui: serve the live topology page of the sandbox (or, with --snapshot, write its picture as SVG)
// from the provider's observation, the one status prints.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import { flag } from '../../../core/flags.js';
import { commandHint } from '../../../core/hint.js';
import { log } from '../../../core/log.js';
import { checkBind } from '../../../ui/bind.js';
import { LiveFeed } from '../../../ui/feed.js';
import { frameOf } from '../../../ui/picture.js';
import { startUiServer } from '../../../ui/server.js';
import { sandboxCommand } from '../command.js';

const DEFAULT_UI_PORT = 8090;
/** How often a frame is started while someone watches: a change shows within this plus one observation. */
const INTERVAL_MS = 500;
/** How long an observation waits for servers that do not answer (status waits longer). */
const OBSERVE_WAIT_MS = 800;

export const command = sandboxCommand({
  name: 'ui',
  summary:
    'Serve a live page of the supercluster (regions, servers by role and health, gateways, JetStream, services, the verdict) on 127.0.0.1, or write it as SVG with --snapshot.',
  positionals: 'selection',
  flags: {
    port: flag.number('N', `port to serve the page on (default ${DEFAULT_UI_PORT})`, { min: 1, max: 65535, fallback: DEFAULT_UI_PORT }),
    host: flag.text('ADDRESS', 'address to listen on (default 127.0.0.1; others need --allow-remote)'),
    'allow-remote': flag.boolean('allow a non-loopback --host: anyone who reaches it sees the topology'),
    'host-name': flag.parsed(
      'NAME,...',
      'with --allow-remote: DNS names the page is reached by (the Host header is checked)',
      (raw, label) => {
        const names = raw.split(',').map((n) => n.trim().toLowerCase());
        const bad = names.find((n) => !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(n));
        if (bad !== undefined) throw new UsageError(`${label} takes host names such as nats-lab.example.org; got '${bad}'`);
        return names;
      },
    ),
    open: flag.boolean('open the page in the desktop browser'),
    snapshot: flag.parsed('FILE.svg', 'write the picture once as an SVG file and exit, serving nothing', (raw, label) => {
      if (!raw.endsWith('.svg')) throw new UsageError(`${label} writes an SVG file: give a name ending in .svg; got '${raw}'`);
      if (!existsSync(dirname(resolve(raw)))) throw new UsageError(`${label}: the folder ${dirname(resolve(raw))} does not exist`);
      return raw;
    }),
  },
  mutates: false,
  check: (o) => {
    if (o.snapshot === undefined) checkBind(o.host ?? '127.0.0.1', o['allow-remote']);
    if (o['host-name'] && !o['allow-remote'])
      throw new UsageError('--host-name names the page for remote browsers: it needs --allow-remote');
  },
  async run({ options, provider, invocation: inv }) {
    if (!inv.saved()) {
      throw new UsageError(
        `no ${provider.name} sandbox in ${inv.settings.sandboxDir}: install one first, e.g. ${commandHint('install', inv.names.length ? inv.names : ['c1', 'c2', 'c3'])}`,
      );
    }
    if (options.snapshot !== undefined) {
      const { view, svg } = await frameOf(await provider.observe(inv));
      writeFileSync(options.snapshot, svg);
      log.info(`wrote ${options.snapshot}: ${view.verdict}`);
      return 0;
    }
    const frame = async () => frameOf(await provider.observe(inv, { waitMs: OBSERVE_WAIT_MS }), { header: false });
    const feed = new LiveFeed(frame, INTERVAL_MS, (e) => log.warn(`could not observe the sandbox: ${e.message}`));
    const server = await startUiServer({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      allowRemote: options['allow-remote'],
      ...(options['host-name'] ? { hostNames: options['host-name'] } : {}),
      feed,
    });
    log.info(`topology page on ${server.url} (read-only, redrawn about twice a second; Ctrl-C stops it)`);
    if (options.open) openBrowser(server.url);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    log.info('topology page stopped');
    return 0;
  },
});

/** The desktop's opener; when there is none, the URL above is the way in. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => log.info(`could not run ${opener}: open ${url} in a browser`));
  child.unref();
}
