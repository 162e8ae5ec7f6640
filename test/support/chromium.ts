// Debian's chromium driven by playwright-core, as the browser tests start it (nothing here can
// download a browser).
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Outside CI a machine without chromium skips, saying why; in CI (which installs it) the test must run. */
export const chromiumSkip: string | false =
  existsSync(CHROMIUM) || process.env.CI ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;

/** A headless chromium with its own profile folder, quiet (no updates, sync or background traffic). */
export function launchChromium(
  profile: string,
  opts: { args?: string[]; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.args ?? []),
    ],
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
  });
}
