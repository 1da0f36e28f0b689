// An operator's way in Chromium, on the same local stack as the checkout checks: the dashboard link
// `npm run dev` prints (the sandbox's Cloudflare Access sign-in, then the dashboard), an open exception
// followed to its payment's page and resolved there with the form, the resolution naming the
// signed-in email; a missing, forged, expired or wrong-audience assertion is 401; the connection
// check as `npm run deploy` calls it.
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, SignJWT } from "jose";
import type { BrowserContext } from "playwright-core";
import { dashboardSignInLink } from "../../sandbox/cloudflare-access.ts";
import { checkGatewayHealth } from "../../scripts/deploy/gateway-health.ts";

export interface OperatorContext {
  browser: BrowserContext;
  sandboxUrl: string;
  gatewayUrl: string;
  /** Tokens with payments:confirm (the bank's) and payments:operate (a tool's). */
  bankToken: string;
  opsToken: string;
  config: Record<string, string>;
  artifacts: string;
}

const OPERATOR = "sokha.operator@example.com";

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** A premium paid twice by bill: the second payment is flagged as an exception to resolve. */
async function flaggedException(context: OperatorContext): Promise<{ exceptionId: string; paymentId: number }> {
  const premium = {
    id: 8_000_000 + Math.floor(Math.random() * 900_000),
    policyNumber: `O${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`,
    payer: "Chea Operator",
    amount: 120,
    currency: "USD",
    dueDate: "2025-12-01",
  };
  const post = (path: string, body: unknown, token?: string) =>
    json(`${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  assert.equal((await post(`${context.sandboxUrl}/__sandbox/premiums`, premium)).status, 201);
  const confirmation = (bankTransactionId: string) => ({
    id: premium.id,
    policyNumber: premium.policyNumber,
    amount: premium.amount,
    currency: premium.currency,
    bankTransactionId,
    payer: premium.payer,
    paidDate: "20251007120000",
  });
  assert.equal((await post(`${context.gatewayUrl}/AMK/payments`, confirmation(`AMKOPS${premium.id}A`), context.bankToken)).status, 200);
  assert.equal((await post(`${context.gatewayUrl}/AMK/payments`, confirmation(`AMKOPS${premium.id}B`), context.bankToken)).status, 409);
  const listed = await json(`${context.gatewayUrl}/ops/exceptions`, { headers: { authorization: `Bearer ${context.opsToken}` } });
  const exception = listed.body.data.exceptions.find((x: { paymentId: number }) => x.paymentId === premium.id);
  assert.ok(exception, "no exception flagged for the second payment");
  return { exceptionId: exception.exceptionId, paymentId: premium.id };
}

export function operatorChecks(context: () => OperatorContext): { name: string; run: () => Promise<void> }[] {
  return [
    {
      name: "the printed dashboard link signs in at the sandbox's Access; an exception is followed to its page and resolved there, naming the email",
      run: async () => {
        const c = context();
        const { exceptionId, paymentId } = await flaggedException(c);
        const page = await c.browser.newPage();
        const requested: string[] = [];
        const complaints: string[] = [];
        page.on("request", (request) => requested.push(request.url()));
        page.on("console", (message) => message.type() === "error" && complaints.push(message.text()));
        page.on("pageerror", (error) => complaints.push(String(error)));
        await page.setViewportSize({ width: 1280, height: 900 });
        try {
          await page.goto(dashboardSignInLink(c.sandboxUrl, c.gatewayUrl));
          await page.fill("#email", OPERATOR);
          await Promise.all([page.waitForURL(`${c.gatewayUrl}/ops/dashboard`), page.click("#sign-in")]);
          assert.equal(await page.textContent("h1"), "Payments health");
          assert.equal(await page.locator('#connections [data-ok="true"]').count(), 4, "a connection failing on the local stack");

          await Promise.all([
            page.waitForURL(new RegExp(`/ops/payments/${paymentId}`)),
            page.click(`[data-open-exception="${exceptionId}"] a`),
          ]);
          assert.equal(await page.textContent("#operator"), OPERATOR);
          const section = page.locator(`[data-exception="${exceptionId}"]`);
          assert.equal(await section.locator('[data-field="state"]').textContent(), "open");
          await section.locator("select").selectOption("refund-requested");
          await section.locator("textarea").fill("Refund asked in ticket 4711");
          await Promise.all([page.waitForLoadState("load"), section.locator("button").click()]);
          await page.waitForFunction(
            // The page the form led to: its state, or what the gateway answered instead.
            (id) => document.querySelector(`[data-exception="${id}"] [data-field="state"]`)?.textContent === "refund-requested",
            exceptionId,
            { timeout: 5_000 },
          ).catch(async (error: unknown) => {
            throw new Error(`after the form: ${page.url()} ${(await page.content()).slice(0, 600)}`, { cause: error });
          });
          assert.equal(await section.locator('[data-resolution="refund-requested"] [data-field="resolved-by"]').textContent(), OPERATOR);
          writeFileSync(join(c.artifacts, "operator-payment-page.png"), await page.screenshot({ fullPage: true }));

          const recorded = await json(`${c.gatewayUrl}/ops/exceptions`, { headers: { authorization: `Bearer ${c.opsToken}` } });
          const exception = recorded.body.data.exceptions.find((x: { exceptionId: string }) => x.exceptionId === exceptionId);
          assert.deepEqual([exception.resolution.resolution, exception.resolution.resolvedBy], ["refund-requested", OPERATOR]);
          const origins = new Set([new URL(c.gatewayUrl).origin, new URL(c.sandboxUrl).origin]);
          assert.deepEqual(
            requested.filter((url) => !origins.has(new URL(url).origin)),
            [],
          );
          assert.deepEqual(complaints, []);
        } finally {
          await page.close();
        }
      },
    },
    {
      name: "a missing, forged, expired or wrong-audience Access assertion is 401 on the stack; a bearer token still opens it",
      run: async () => {
        const c = context();
        const mint = async (body: object) =>
          (
            await json(`${c.sandboxUrl}/__sandbox/access/token`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body),
            })
          ).body.token as string;
        const { privateKey } = await generateKeyPair("RS256");
        const forged = await new SignJWT({ email: OPERATOR })
          .setProtectedHeader({ alg: "RS256", kid: "forged" })
          .setIssuer(c.config.ACCESS_TEAM_DOMAIN!)
          .setAudience(c.config.ACCESS_AUD!)
          .setIssuedAt()
          .setExpirationTime("1h")
          .sign(privateKey);
        const assertions = [
          undefined,
          forged,
          await mint({ email: OPERATOR, expiresIn: -60 }),
          await mint({ email: OPERATOR, audience: "another-access-application" }),
        ];
        for (const assertion of assertions) {
          const headers: Record<string, string> = assertion ? { "cf-access-jwt-assertion": assertion } : {};
          const answer = await json(`${c.gatewayUrl}/ops/dashboard`, { headers });
          assert.equal(answer.status, 401, `assertion ${assertions.indexOf(assertion)}`);
          assert.equal(answer.body.error.code, "UNAUTHORIZED");
        }
        const signedIn = await fetch(`${c.gatewayUrl}/ops/dashboard`, {
          headers: { cookie: `CF_Authorization=${await mint({ email: OPERATOR })}` },
        });
        assert.equal(signedIn.status, 200);
        const tool = await fetch(`${c.gatewayUrl}/ops/dashboard`, { headers: { authorization: `Bearer ${c.opsToken}` } });
        assert.equal(tool.status, 200);
      },
    },
    {
      name: "the connection check as npm run deploy calls it: every connection of the local gateway ok",
      run: async () => {
        const c = context();
        const health = await checkGatewayHealth(c.gatewayUrl, { bearer: c.opsToken });
        assert.deepEqual(health.failures, []);
        assert.equal(health.lines.length, 4);
        const none = await checkGatewayHealth(c.gatewayUrl, {});
        assert.match(none.failures[0]!, /no credentials/);
      },
    },
  ];
}
