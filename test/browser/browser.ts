// Chromium for the browser tests, driven by playwright-core, headless, with the flags a root CI
// container needs. Which Chromium: CHROMIUM_PATH if set; else Debian's /usr/bin/chromium if
// installed; else the one inside the @sparticuz/chromium npm package, so `npm ci && npm test` needs
// no root and no apt.
import Chromium from "@sparticuz/chromium";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * The npm package's Chromium, unpacked once per version (about 6 s) into a folder of its own.
 * The package unpacks into os.tmpdir() itself, as /tmp/chromium shared by every version and every
 * run, where a second run could start a binary the first is still writing; so it unpacks here
 * into a private folder (TMPDIR pointed there for the call), which is then renamed into place in
 * one step. A run that loses that race uses the winner's copy.
 */
async function packagedChromium(): Promise<string> {
  const packageJson = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..", "package.json");
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  const home = join(tmpdir(), `amk-chromium-${version}-${process.getuid?.() ?? "user"}`);
  const binary = join(home, "chromium");
  if (existsSync(binary)) return binary;
  const staging = mkdtempSync(`${home}-unpacking-`);
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await Chromium.executablePath();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  try {
    renameSync(staging, home);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

async function chromiumPath(): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH names ${chosen}, which does not exist`);
    return chosen;
  }
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : packagedChromium();
}

/** A fresh persistent profile each run, deleted when the browser closes: nothing carried over between runs. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "checkout-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await chromiumPath(),
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
  context.once("close", () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a profile left in the temporary folder harms nothing
    }
  });
  return context;
}
