import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toMoney } from "#shared/payments/money.ts";
import { KvPremiumCache } from "../../workers/gateway/src/adapters/kv-premium-cache.ts";
import { callGateway } from "../support/gateway.ts";
import { integrationCalls, seedPremium } from "../support/sandbox.ts";

describe("GET /AMK/payments", () => {
  it("answers the premium exactly as the spec shows", async () => {
    const premium = await seedPremium({ amount: 150.0 });
    const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(await response.json()).toEqual({
      success: true,
      data: {
        id: premium.id,
        policyNumber: premium.policyNumber,
        payer: "Test Payer",
        amount: 150,
        currency: "USD",
        dueDate: "2025-11-15",
      },
    });
  });

  it("asks the Integration Service once for repeated inquiries (KV cache)", async () => {
    const premium = await seedPremium();
    for (let i = 0; i < 3; i++) {
      expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(200);
    }
    expect(await integrationCalls(premium.policyNumber)).toBe(1);
  });

  it("answers 404 RESOURCE_NOT_FOUND for an unknown number", async () => {
    const response = await callGateway("/AMK/payments?query=X000000001");
    expect(response.status).toBe(404);
    const body = await response.json<any>();
    expect(body).toMatchObject({
      success: false,
      error: { code: "RESOURCE_NOT_FOUND", message: "Policy not found", details: "Query: X000000001" },
    });
    expect(body.requestId).toBeTruthy();
  });

  it("answers 503 SERVER_UNAVAILABLE when the Integration Service fails", async () => {
    const premium = await seedPremium({ availability: "unavailable" });
    const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error.code).toBe("SERVER_UNAVAILABLE");
  });

  it("answers 503 SERVER_UNAVAILABLE when the Integration Service times out", async () => {
    const premium = await seedPremium({ availability: "timeout" });
    const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { env: { INTEGRATION_TIMEOUT_MS: "300" } });
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error.code).toBe("SERVER_UNAVAILABLE");
  });

  it.each([
    ["missing", ""],
    ["empty", "?query="],
    ["too long", "?query=P1234567890"],
    ["not alphanumeric", "?query=P12-34"],
  ])("rejects a %s query with 400 BAD_REQUEST", async (_case, search) => {
    const response = await callGateway(`/AMK/payments${search}`);
    expect(response.status).toBe(400);
    expect((await response.json<any>()).error.code).toBe("BAD_REQUEST");
  });
});

describe("the premium cache on KV", () => {
  const premium = (id: number) => ({
    id,
    policyNumber: `K${String(id).padStart(9, "0")}`,
    payer: "Cache Payer",
    money: toMoney(150, "USD"),
    dueDate: "2026-01-15",
  });

  it("never offers a paid premium again, though an inquiry's late write lands after the paid mark, under any query", async () => {
    const cache = new KvPremiumCache(env.PREMIUM_CACHE, 900);
    const due = premium(7_700_000 + Math.floor(Math.random() * 99_999));
    await cache.keep(due.policyNumber, due);
    await cache.keep("APP12345", due);
    expect(await cache.current(due.policyNumber)).toEqual(due);
    await cache.markPaid({ paymentId: due.id, policyNumber: due.policyNumber });
    // An inquiry that read the premium before the payment writes it back after the mark.
    await cache.keep(due.policyNumber, due);
    expect(await cache.current(due.policyNumber)).toBeNull();
    expect(await cache.current("APP12345")).toBeNull();
  });
});
