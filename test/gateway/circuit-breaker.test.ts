import { describe, expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { integrationCalls, seedPremium } from "../support/sandbox.ts";

describe("circuit breaker on the Integration Service", () => {
  it("stops calling after 5 consecutive failures and answers 503 at once", async () => {
    const premium = await seedPremium({ availability: "unavailable" });
    for (let i = 0; i < 5; i++) {
      expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(503);
    }
    expect(await integrationCalls(premium.policyNumber)).toBe(5);
    const refused = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(refused.status).toBe(503);
    expect((await refused.json<any>()).error.code).toBe("SERVER_UNAVAILABLE");
    expect(await integrationCalls(premium.policyNumber)).toBe(5);
  });
});
