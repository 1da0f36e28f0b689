import { describe, expect, it } from "vitest";
import { callGateway } from "../support/gateway.ts";
import { seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

describe("rate limit: 100 requests per minute per client", () => {
  it("answers the 101st request of one client with 429 RATE_LIMITED and Retry-After, other clients unaffected", async () => {
    const premium = await seedPremium();
    const token = await tokenFor(["payments:inquire"], { subject: `busy-client-${crypto.randomUUID()}` });
    for (let i = 0; i < 100; i++) {
      const response = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token });
      expect(response.status).toBe(200);
    }
    const limited = await callGateway(`/AMK/payments?query=${premium.policyNumber}`, { token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await limited.json<any>()).error.code).toBe("RATE_LIMITED");

    const other = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(other.status).toBe(200);
  });
});
