// Chromium for the browser tests: Debian's /usr/bin/chromium (scripts/setup-browser.sh installs
// it) driven by playwright-core, headless, with the flags a root CI container needs.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A fresh persistent profile each run: nothing carried over between runs. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup-browser.sh (apt-get install -y chromium)`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "checkout-chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
