// The operator dashboard (GET /ops/dashboard) in Chromium, on the same local stack as the checkout
// page's checks (checkout-page.browser.ts runs them after its own, so the KHQR payment they made
// is on it): drawn with the operator's bearer token, its inline style applied under its CSP, no
// script, nothing from another origin, no complaint from the browser, readable on a phone.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export interface DashboardContext {
  browser: BrowserContext;
  gatewayUrl: string;
  /** A token with payments:operate. */
  opsToken: string;
  artifacts: string;
}

export function dashboardChecks(context: () => DashboardContext): { name: string; run: () => Promise<void> }[] {
  return [
    {
      name: "the operator dashboard renders its SVG charts with the operator's token, under its CSP, with no script and nothing foreign",
      run: async () => {
        const { browser, gatewayUrl, opsToken, artifacts } = context();
        const page = await browser.newPage();
        const requested: string[] = [];
        const complaints: string[] = [];
        page.on("request", (request) => requested.push(request.url()));
        page.on("console", (message) => message.type() === "error" && complaints.push(message.text()));
        page.on("pageerror", (error) => complaints.push(String(error)));
        await page.setExtraHTTPHeaders({ authorization: `Bearer ${opsToken}` });
        await page.setViewportSize({ width: 1280, height: 900 });
        try {
          const response = await page.goto(`${gatewayUrl}/ops/dashboard`);
          assert.equal(response?.status(), 200);
          assert.equal(await page.textContent("h1"), "Payments health");
          // The checkout checks paid one QR through the sandbox bank: it is counted, with AMK's verify call.
          assert.ok(Number(await page.textContent('[data-channel="KHQR"] [data-field="booked"]')) >= 1);
          assert.ok(Number(await page.textContent('#amk [data-field="calls"]')) >= 1);
          assert.equal(await page.locator("[data-alert]").count(), 5);
          const charts = await page.$$eval("svg.chart", (svgs) => svgs.map((svg) => svg.getBoundingClientRect()));
          assert.ok(charts.length >= 4, `${charts.length} charts`);
          for (const box of charts) assert.ok(box.width > 200 && box.height > 20, `a chart drawn ${box.width}x${box.height}`);
          // Every label of every chart is drawn whole, inside its chart (none cut at an edge).
          const cut = await page.$$eval("svg.chart text", (texts) =>
            texts
              .map((text) => ({
                text: text.textContent,
                box: text.getBoundingClientRect(),
                svg: text.closest("svg")!.getBoundingClientRect(),
              }))
              .filter(({ box, svg }) => box.left < svg.left - 0.5 || box.right > svg.right + 0.5)
              .map(({ text }) => text),
          );
          assert.deepEqual(cut, []);
          assert.equal(await page.locator("#payments-per-slot g[data-slot]").count(), 96);
          // The nonce'd style was applied (a CSP refusal would leave the header unstyled).
          assert.equal(await page.$eval("header", (h) => getComputedStyle(h).backgroundColor), "rgb(27, 43, 63)");
          assert.equal(await page.evaluate(() => document.scripts.length), 0);
          writeFileSync(join(artifacts, "dashboard-desktop.png"), await page.screenshot({ fullPage: true }));

          await page.setViewportSize({ width: 360, height: 740 });
          assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "the dashboard scrolls sideways at 360 px");
          writeFileSync(join(artifacts, "dashboard-phone.png"), await page.screenshot({ fullPage: true }));

          const origin = new URL(gatewayUrl).origin;
          assert.deepEqual(
            requested.filter((url) => !url.startsWith(`${origin}/`)),
            [],
          );
          assert.deepEqual(complaints, []);
        } finally {
          await page.close();
        }
      },
    },
    {
      name: "the dashboard without a token is the 401 envelope, not a page",
      run: async () => {
        const { gatewayUrl } = context();
        const response = await fetch(`${gatewayUrl}/ops/dashboard`);
        assert.equal(response.status, 401);
        assert.equal((await response.json()).error.code, "UNAUTHORIZED");
      },
    },
  ];
}
