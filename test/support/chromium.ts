import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/*
 * Debian's Chromium, driven by playwright-core, as the browser tests use it: headless, a fresh profile,
 * and none of the background connections this offline machine refuses (without those flags Chromium
 * retries Google's hosts at every start).
 */

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches Chromium with a profile of its own; `close()` ends it and removes the profile. */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run scripts/chromium-up.sh (apt-get install -y chromium)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "acs-sandbox-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS,
    headless: true,
    // Sandboxes' leaf certificates are signed by the test CA, which a fresh profile does not trust.
    ignoreHTTPSErrors: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  // Playwright's own default is to wait for ever; a locator that never matches should fail naming itself.
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  } satisfies Browser;
}
