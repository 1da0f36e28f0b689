// The hosted checkout page in a real browser (docs/api.md), against the real local
// stack: both workers under wrangler dev and the sandbox bank, on free ports. A phone-sized
// Chromium opens a checkout link, the QR is read back from a screenshot and must be the KHQR string
// the bank issued, the sandbox bank pays it (sending AMK's webhook to the gateway) and "Paid" must
// appear without a reload. Screenshots are kept in test-artifacts/. Run by `npm test` (scripts/test.ts).
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { parseKhqr } from "../../shared/khqr/payload.ts";
import { mintDevToken } from "../../sandbox/dev-token.ts";
import { localConfig } from "../../sandbox/local-config.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.ts";
import { launchChromium } from "./browser.ts";
import { operatorChecks } from "./ops-access.checks.ts";
import { dashboardChecks } from "./ops-dashboard.checks.ts";
import { qrTextInScreenshot } from "./qr-screenshot.ts";
import { freePort } from "../../scripts/free-port.ts";

const ARTIFACTS = resolve("test-artifacts");
const PHONE = { width: 360, height: 740 };

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function screenshot(page: Page, name: string): Promise<Uint8Array> {
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(ARTIFACTS, `checkout-${name}.png`), png);
  return png;
}

// ---- the run: one stack and one browser for every check ----

const checks: { name: string; run: () => Promise<void> }[] = [];
const check = (name: string, run: () => Promise<void>) => checks.push({ name, run });

let stack: LocalStack;
let browser: BrowserContext;
let page: Page;
let link: { paymentId: number; url: string; expiresAt: string };
let token: string;
let opsToken: string;
const premium = {
  id: 7_000_000 + Math.floor(Math.random() * 900_000),
  policyNumber: `B${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`,
  payer: "Sok Dara",
  amount: 89.5,
  currency: "USD",
  dueDate: "2025-12-01",
};
/** Everything the page asked for, and everything the browser complained about (CSP refusals included). */
const requested: string[] = [];
const complaints: string[] = [];

check("the checkout link from POST /khqr/checkout opens at 360x740 with the premium, a countdown and the status", async () => {
  page = await browser.newPage();
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => message.type() === "error" && complaints.push(message.text()));
  page.on("pageerror", (error) => complaints.push(String(error)));
  const response = await page.goto(link.url);
  assert.equal(response?.status(), 200);
  assert.equal(await page.textContent("#payer"), "Sok Dara");
  assert.equal(await page.textContent("#policy"), premium.policyNumber);
  assert.equal(await page.textContent("#amount"), "USD 89.50");
  assert.equal(await page.textContent("#status"), "Waiting for payment");
  const first = await page.textContent("#countdown");
  assert.match(first ?? "", /^1[45]:\d\d$/);
  await page.waitForFunction((before) => document.getElementById("countdown")?.textContent !== before, first, { timeout: 3_000 });
});

check("the QR read back from a screenshot is the KHQR string the bank issued", async () => {
  const png = await screenshot(page, "pending");
  const scanned = qrTextInScreenshot(png);
  const invoice = await (await fetch(`${stack.sandboxUrl}/__sandbox/amk/invoices/${link.paymentId}`)).json();
  assert.ok(scanned, "no QR code found in the screenshot (test-artifacts/checkout-pending.png)");
  assert.equal(scanned, invoice.qrString);
  const khqr = parseKhqr(scanned);
  assert.equal(khqr.crcValid, true);
  assert.equal(khqr.tags["54"], "89.50");
  assert.equal((khqr.tags["62"] as Record<string, string>)["01"], premium.policyNumber);
});

check('paying at the sandbox bank turns the page to "Paid" within 2 seconds, without a reload', async () => {
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const paid = await postJson(`${stack.sandboxUrl}/__sandbox/amk/pay`, { invoiceNumber: String(link.paymentId) });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  assert.equal(paid.body.webhook.status, 200, "the gateway did not confirm the webhook");
  const answeredAt = Date.now();
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "Paid", undefined, { timeout: 2_000 });
  assert.ok(Date.now() - answeredAt < 2_000);
  assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, "the page reloaded");
  assert.equal(await page.isVisible("#qr"), false, "the QR is still shown after payment");
  await screenshot(page, "paid");
});

check("the page took nothing from another origin and broke no rule of its Content-Security-Policy", async () => {
  const origin = new URL(link.url).origin;
  const foreign = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(complaints, []);
});

check("a tampered link gets the plain 404 page", async () => {
  // The same link living a minute longer than it was signed for.
  const [base, signed] = link.url.split("/pay/") as [string, string];
  const [id, expiresAt, signature] = signed.split(".");
  const tampered = `${base}/pay/${id}.${Number(expiresAt) + 60}.${signature}`;
  const response = await page.goto(tampered);
  assert.equal(response?.status(), 404);
  assert.equal(await page.textContent("h1"), "Page not found");
  await screenshot(page, "not-found");
});

check("the page reads at 320 px without sideways scrolling, and on a desktop", async () => {
  const fresh = await postJson(`${stack.khqrUrl}/khqr/checkout`, { bankCode: "AMK", billNumber: "A000000123" }, token);
  assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
  const narrow = await browser.newPage();
  await narrow.setViewportSize({ width: 320, height: 640 });
  await narrow.goto(fresh.body.data.url);
  assert.equal(await narrow.textContent("#amount"), "KHR 400,000");
  assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= 320), "the page scrolls sideways at 320 px");
  await screenshot(narrow, "320px");
  await narrow.setViewportSize({ width: 1280, height: 800 });
  assert.ok(await narrow.isVisible("#qr"));
  await screenshot(narrow, "desktop");
  await narrow.close();
});

// The operator dashboard on the same stack, after the checks above paid a QR.
for (const { name, run } of dashboardChecks(() => ({ browser, gatewayUrl: stack.gatewayUrl, opsToken, artifacts: ARTIFACTS })))
  check(name, run);

// An operator signed in by the sandbox's Cloudflare Access, on the same stack.
let bankToken: string;
let stackConfig: Record<string, string>;
const operatorContext = () => ({
  browser,
  sandboxUrl: stack.sandboxUrl,
  gatewayUrl: stack.gatewayUrl,
  bankToken,
  opsToken,
  config: stackConfig,
  artifacts: ARTIFACTS,
});
for (const { name, run } of operatorChecks(operatorContext)) check(name, run);

async function main(): Promise<number> {
  const started = Date.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), "checkout-stack-"));
  const [sandboxPort, gatewayPort, khqrPort, inspectGateway, inspectKhqr] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const config: Record<string, string> = { ...localConfig(sandboxUrl), KHQR_PUBLIC_URL: `http://127.0.0.1:${khqrPort}` };
  let passed = 0;
  let failed = 0;
  try {
    stack = await startLocalStack({
      config,
      sandboxPort: sandboxPort!,
      gatewayPort: gatewayPort!,
      khqrPort: khqrPort!,
      inspectorPorts: [inspectGateway!, inspectKhqr!],
      stateDir: workDir,
      wranglerOutput: process.env.BROWSER_TEST_VERBOSE ? "inherit" : "ignore",
    });
    token = await mintDevToken({
      secret: config.JWT_SECRET!,
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE!,
      subject: "browser-test",
      scopes: ["khqr:generate"],
    });
    opsToken = await mintDevToken({
      secret: config.JWT_SECRET!,
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE!,
      subject: "browser-test-ops",
      scopes: ["payments:operate"],
    });
    bankToken = await mintDevToken({
      secret: config.JWT_SECRET!,
      issuer: config.JWT_ISSUER!,
      audience: config.JWT_AUDIENCE!,
      subject: "browser-test-bank",
      scopes: ["payments:confirm"],
    });
    stackConfig = config;
    assert.equal((await postJson(`${stack.sandboxUrl}/__sandbox/premiums`, premium)).status, 201);
    const created = await postJson(`${stack.khqrUrl}/khqr/checkout`, { bankCode: "AMK", billNumber: premium.policyNumber }, token);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    link = created.body.data;
    browser = await launchChromium(PHONE);
    for (const { name, run } of checks) {
      const at = Date.now();
      try {
        await run();
        passed += 1;
        console.log(` ✓ ${name} (${Date.now() - at} ms)`);
      } catch (error) {
        failed += 1;
        console.log(` ✗ ${name}\n   ${String((error as Error).stack ?? error).replace(/\n/g, "\n   ")}`);
      }
    }
  } catch (error) {
    failed = checks.length - passed;
    console.log(` ✗ setting up the browser test failed: ${String((error as Error).stack ?? error)}`);
  } finally {
    await browser?.close().catch(() => {});
    await stack?.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(
    `\nbrowser tests: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-artifacts/)`,
  );
  return failed === 0 ? 0 : 1;
}

process.exit(await main());
