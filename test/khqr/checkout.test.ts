// POST /khqr/checkout (docs/api.md): a QR issued exactly as GET /khqr issues one, and a
// signed link to its hosted checkout page.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readCheckoutToken } from "#shared/payments/checkout-token.ts";
import { eventually } from "../support/amk.ts";
import { callKhqrApart as callKhqr, tamperQr } from "../support/khqr.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

const checkout = (body: unknown, options: Parameters<typeof callKhqr>[1] = {}) =>
  callKhqr("/khqr/checkout", { method: "POST", body, ...options });

describe("POST /khqr/checkout", () => {
  it("answers 201 with the payment id, a link to the page under KHQR_PUBLIC_URL, and the QR's expiry", async () => {
    const premium = await seedPremium({ amount: 89.5 });
    const response = await checkout({ bankCode: "AMK", billNumber: premium.policyNumber });
    expect(response.status).toBe(201);
    const { success, data } = await response.json<any>();
    expect(success).toBe(true);
    expect(data.paymentId).toBe(premium.id);
    expect(data.url).toMatch(new RegExp(`^${env.KHQR_PUBLIC_URL}/pay/${premium.id}\\.\\d+\\.[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(data.expiresAt)).toBeGreaterThan(Date.now());

    const token = data.url.split("/pay/")[1];
    const claims = await readCheckoutToken(env.CHECKOUT_SIGNING_KEY, token, Date.now());
    expect(claims).toEqual({ paymentId: premium.id, expiresAt: Math.floor(Date.parse(data.expiresAt) / 1000) });
  });

  it("records the issuance and publishes khqr.generated-event, as GET /khqr does", async () => {
    const premium = await seedPremium();
    const response = await checkout({ bankCode: { id: "AMK", bank: "AMK" }, billNumber: premium.policyNumber });
    expect(response.status).toBe(201);
    const issued = await env.DB.prepare("SELECT bank_code FROM khqr_issuances WHERE invoice_number = ?").bind(String(premium.id)).first();
    expect(issued).toEqual({ bank_code: "AMK" });
    const records = await eventually(
      () => kafkaRecords(premium.policyNumber),
      (r) => r.length > 0,
    );
    expect(records.map((r) => r.topic)).toEqual(["dev.khqr.generated-event"]);
  });

  it("fails with GET /khqr's errors: unknown bank, unbound bank, no premium, a QR we must not show", async () => {
    const premium = await seedPremium();
    const code = async (body: unknown) => {
      const response = await checkout(body);
      return [response.status, (await response.json<any>()).error.code];
    };
    expect(await code({ bankCode: "NOPE", billNumber: premium.policyNumber })).toEqual([404, "BANK_NOT_FOUND"]);
    expect(await code({ bankCode: "ABA", billNumber: premium.policyNumber })).toEqual([422, "MERCHANT_NOT_BIND"]);
    expect(await code({ bankCode: "AMK", billNumber: "X000000000" })).toEqual([404, "RESOURCE_NOT_FOUND"]);
    await tamperQr(premium.policyNumber, "other-merchant", 1);
    expect(await code({ bankCode: "AMK", billNumber: premium.policyNumber })).toEqual([502, "AMK_UNKNOWN_ERROR"]);
  });

  it("is 400 for a body that is not the contract's", async () => {
    for (const body of [{}, { bankCode: "AMK" }, { bankCode: "AMK", billNumber: "P-1" }, { bankCode: 7, billNumber: "P1" }]) {
      const response = await checkout(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json<any>()).error.code).toBe("BAD_REQUEST");
    }
    const notJson = await callKhqr("/khqr/checkout", { method: "POST", headers: { "content-type": "text/plain" } });
    expect(notJson.status).toBe(400);
  });

  it("needs a token (401) with the khqr:generate scope (403)", async () => {
    expect((await checkout({ bankCode: "AMK", billNumber: "P1" }, { token: null })).status).toBe(401);
    expect((await checkout({ bankCode: "AMK", billNumber: "P1" }, { token: await tokenFor(["payments:inquire"]) })).status).toBe(403);
  });
});
