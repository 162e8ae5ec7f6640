// ui: serve the live topology page of the sandbox (or, with --snapshot, write its picture as SVG)
// from the provider's observation, the one status prints.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Invocation, Provider } from '../../../cluster/provider.js';
import { UsageError } from '../../../core/errors.js';
import { log } from '../../../core/log.js';
import { checkBind, parsePort } from '../../../ui/bind.js';
import { LiveFeed } from '../../../ui/feed.js';
import { frameOf } from '../../../ui/picture.js';
import { startUiServer } from '../../../ui/server.js';

const DEFAULT_UI_PORT = 8090;
/** How often a frame is started while someone watches: a change shows within this plus one observation. */
const INTERVAL_MS = 500;
/** How long an observation waits for servers that do not answer (status waits longer). */
const OBSERVE_WAIT_MS = 800;

export async function uiCommand(provider: Provider, inv: Invocation): Promise<number> {
  const flags = inv.args.flags;
  const snapshot = flags.snapshot as string | undefined;
  const host = (flags.host as string | undefined) ?? '127.0.0.1';
  const allowRemote = flags['allow-remote'] === true;
  const port = parsePort(flags.port as string | undefined, DEFAULT_UI_PORT);
  if (snapshot !== undefined) {
    if (!snapshot.endsWith('.svg')) throw new UsageError(`--snapshot writes an SVG file: give a name ending in .svg; got '${snapshot}'`);
    if (!existsSync(dirname(resolve(snapshot))))
      throw new UsageError(`--snapshot: the folder ${dirname(resolve(snapshot))} does not exist`);
  } else {
    checkBind(host, allowRemote);
  }
  if (!inv.saved()) {
    throw new UsageError(
      `no ${provider.name} sandbox in ${inv.settings.sandboxDir}: install one first, e.g. npx zx scripts/install.mjs ${inv.names.join(' ') || 'c1 c2 c3'}`,
    );
  }
  if (snapshot !== undefined) {
    const { view, svg } = await frameOf(await provider.observe(inv));
    writeFileSync(snapshot, svg);
    log.info(`wrote ${snapshot}: ${view.verdict}`);
    return 0;
  }

  const frame = async () => frameOf(await provider.observe(inv, { waitMs: OBSERVE_WAIT_MS }), { header: false });
  const feed = new LiveFeed(frame, INTERVAL_MS, (e) => log.warn(`could not observe the sandbox: ${e.message}`));
  const server = await startUiServer({ host, port, allowRemote, feed });
  log.info(`topology page on ${server.url} (read-only, redrawn about twice a second; Ctrl-C stops it)`);
  if (flags.open === true) openBrowser(server.url);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  log.info('topology page stopped');
  return 0;
}

/** The desktop's opener; when there is none, the URL above is the way in. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => log.info(`could not run ${opener}: open ${url} in a browser`));
  child.unref();
}
