import { describe, expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

/** The bank limit vitest.config.ts gives BANK_RATE_LIMIT (1,200 when deployed). */
const TEST_BANK_LIMIT = 120;

/**
 * The local limiter counts per wall-clock minute: a burst that straddles a minute boundary starts
 * counting again halfway. Start each burst with at least `seconds` left in the current minute.
 */
async function freshWindow(seconds = 25) {
  const intoMinuteMs = Date.now() % 60_000;
  if (intoMinuteMs > 60_000 - seconds * 1000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinuteMs + 100));
}

async function expectRateLimited(response: Response) {
  expect(response.status).toBe(429);
  expect((await response.json<any>()).error.code).toBe("RATE_LIMITED");
  // Retry-After says when the window reopens: the seconds left in this minute.
  const retryAfter = Number(response.headers.get("retry-after"));
  const secondsLeft = 60 - (Math.floor(Date.now() / 1000) % 60);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(Math.abs(retryAfter - secondsLeft)).toBeLessThanOrEqual(1);
}

/** A bank request the rate limit counts and the gateway then refuses cheaply (400: bad body). */
function bankRequest(token: string) {
  return callGateway("/AMK/khqr", { method: "POST", token, body: {} });
}

describe("rate limits: 100 a minute per app client, the bank's own 1,200 a minute on the bank routes", () => {
  it(
    "refuses an app client's 101st inquiry in a minute with 429 and Retry-After; other clients are unaffected",
    { timeout: 60_000 },
    async () => {
      const premium = await seedPremium();
      const token = await tokenFor(["payments:inquire"], { subject: `busy-app-${crypto.randomUUID()}` });
      await freshWindow();
      for (let i = 0; i < 100; i++) {
        expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token })).status).toBe(200);
      }
      await expectRateLimited(await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token }));
      expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(200);
    },
  );

  it(
    "lets the bank's 101st request in a minute through, refuses it only past the bank limit, and apps keep their own",
    { timeout: 60_000 },
    async () => {
      const subject = `amk-bank-${crypto.randomUUID()}`;
      const bank = await tokenFor(["payments:confirm", "payments:inquire"], { subject });
      const premium = await seedPremium();
      await freshWindow();
      for (let i = 0; i < TEST_BANK_LIMIT; i++) {
        expect((await bankRequest(bank)).status).toBe(400);
      }
      await expectRateLimited(await bankRequest(bank));
      // The same client's app-route traffic counts against the app limit, not the bank's.
      expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token: bank })).status).toBe(200);
    },
  );
});
