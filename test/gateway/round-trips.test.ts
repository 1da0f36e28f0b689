// The hot path, counted on the store the project runs (D1 and PostgreSQL): a cached inquiry never
// reaches the records or the Integration Service; a bank confirmation waits on two sequential round
// trips (the admission beside the first read, then one write), the webhook on AMK besides; a replay
// on one. The counts come from the gateway itself (MEASURE_REQUESTS=true): x-round-trips for our own
// stores and services, overlapping calls once; x-amk-round-trips; x-record-round-trips, every record
// statement or D1 batch.
import { describe, expect, it } from "vitest";
import { eventually } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { khqrWebhookFor, paidPremium } from "../support/khqr-webhook.ts";
import { integrationCalls, seedPremium } from "../support/sandbox.ts";

const counting = { MEASURE_REQUESTS: "true" } as Partial<Cloudflare.Env>;
const counted = (response: Response, header: string) => {
  const value = response.headers.get(header);
  expect(value, `${header} is reported`).not.toBeNull();
  return Number(value);
};
const roundTrips = (response: Response) => counted(response, "x-round-trips");
const recordStatements = (response: Response) => counted(response, "x-record-round-trips");
const amkRoundTrips = (response: Response) => counted(response, "x-amk-round-trips");
const steps = (response: Response) => (response.headers.get("server-timing") ?? "").split(", ").map((step) => step.split(";")[0]);

describe("round trips per request", () => {
  it("a cached inquiry: none to the records, none to the Integration Service", async () => {
    const premium = await seedPremium();
    const first = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: counting });
    expect(first.status).toBe(200);
    expect(recordStatements(first)).toBeGreaterThanOrEqual(1); // the cold path asks the records whether it is paid
    const calls = await integrationCalls(premium.policyNumber);
    const cached = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: counting });
    expect(cached.status).toBe(200);
    expect(recordStatements(cached)).toBe(0);
    expect(roundTrips(cached)).toBe(1); // the cache
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

  it("a bill confirmation: two, the admission beside the premium's read, then one write; kept after the answer", async () => {
    const premium = await seedPremium();
    await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    const confirmation = billConfirmationFor(premium);
    const answer = await callGateway("/AMK/payments", { method: "POST", body: confirmation, env: counting });
    expect(answer.status).toBe(200);
    expect(roundTrips(answer)).toBe(2);
    expect(recordStatements(answer)).toBe(2); // the premium's read, the unit of work
    // Where its time went, for the benchmark's breakdown: each outside call, then the handler.
    expect(steps(answer)).toEqual(
      expect.arrayContaining(["rate-limit.limit", "idempotency.admit", "records.findPremium", "records.commit"]),
    );
    expect(steps(answer)).not.toContain("idempotency.settle"); // after the answer
    expect(steps(answer).at(-1)).toBe("handler");

    const replay = await callGateway("/AMK/payments", { method: "POST", body: confirmation, env: counting });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(roundTrips(replay)).toBe(1);
  });

  it("a KHQR webhook: two besides AMK's verify; its replay one, the replay's receipt after the answer", async () => {
    const premium = await paidPremium();
    const answer = await callGateway("/AMK/khqr", { method: "POST", body: khqrWebhookFor(premium), env: counting });
    expect(answer.status).toBe(200);
    expect(roundTrips(answer)).toBe(2);
    expect(amkRoundTrips(answer)).toBe(1);
    // The invoice's read (one D1 batch; on PostgreSQL two statements side by side), the unit of work.
    expect(recordStatements(answer)).toBeGreaterThanOrEqual(2);
    expect(recordStatements(answer)).toBeLessThanOrEqual(3);
    const replay = await callGateway("/AMK/khqr", { method: "POST", body: khqrWebhookFor(premium), env: counting });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(roundTrips(replay)).toBe(1);
    expect(amkRoundTrips(replay)).toBe(0);
  });
});
