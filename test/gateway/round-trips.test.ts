// The hot path, counted: a cached inquiry never reaches the records or the Integration Service,
// and a bank confirmation makes at most two record round trips besides its idempotency object.
import { describe, expect, it } from "vitest";
import { eventually } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium, sendWebhook } from "../support/khqr-webhook.ts";
import { integrationCalls, seedPremium } from "../support/sandbox.ts";

const counting = { MEASURE_REQUESTS: "true" } as Partial<Cloudflare.Env>;
const roundTrips = (response: Response) => Number(response.headers.get("x-record-round-trips"));

describe("record round trips per request", () => {
  it("a cached inquiry: none to the records, none to the Integration Service", async () => {
    const premium = await seedPremium();
    const first = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: counting });
    expect(first.status).toBe(200);
    expect(roundTrips(first)).toBeGreaterThanOrEqual(1); // the cold path asks the records whether it is paid
    const calls = await integrationCalls(premium.policyNumber);
    const cached = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: counting });
    expect(cached.status).toBe(200);
    expect(roundTrips(cached)).toBe(0);
    expect(await integrationCalls(premium.policyNumber)).toBe(calls);
  });

  it("a paid premium stops being offered from the cache as its payment is answered", async () => {
    const premium = await seedPremium();
    expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(200);
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    // The cache mark starts with the commit and finishes beside the answer (waitUntil).
    const after = await eventually(
      () => callGateway(`/AMK/payments?query=${premium.policyNumber}`),
      (response) => response.status === 404,
      2_000,
    );
    expect(after.status).toBe(404);
    expect((await after.json<any>()).error.message).toContain("already paid");
  });

  it("a bill confirmation: at most two", async () => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const answer = await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium), env: counting });
    expect(answer.status).toBe(200);
    expect(roundTrips(answer)).toBeLessThanOrEqual(2);
    // Where its time went, for the benchmark's breakdown: each outside call, then the handler.
    const steps = (answer.headers.get("server-timing") ?? "").split(", ").map((step) => step.split(";")[0]);
    expect(steps).toEqual(
      expect.arrayContaining(["rate-limit.limit", "idempotency.admit", "records.findPremium", "records.commit", "idempotency.settle"]),
    );
    expect(steps.at(-1)).toBe("handler");
  });

  it("a KHQR webhook: at most two", async () => {
    const premium = await paidPremium();
    const answer = await callGateway("/AMK/khqr", { method: "POST", body: khqrWebhookFor(premium), env: counting });
    expect(answer.status).toBe(200);
    expect(roundTrips(answer)).toBeLessThanOrEqual(2);
    expect((await sendWebhook(khqrWebhookFor(premium))).headers.get("idempotent-replayed")).toBe("true");
  });
});
