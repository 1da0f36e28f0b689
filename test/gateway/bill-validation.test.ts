import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { seedPremium } from "../support/sandbox.ts";

const premium = { id: 150001, policyNumber: "P123456789", payer: "John Doe", amount: 150, currency: "USD" as const, dueDate: "2025-11-15" };

async function expectBadRequest(body: unknown, field: string) {
  const response = await callGateway("/AMK/payments", { method: "POST", body });
  expect(response.status).toBe(400);
  const envelope = await response.json<any>();
  expect(envelope.success).toBe(false);
  expect(envelope.error.code).toBe("BAD_REQUEST");
  expect(envelope.error.details).toMatch(new RegExp(`(^|; )${field}: `));
}

describe("POST /AMK/payments: input validation (400 BAD_REQUEST)", () => {
  it.each([
    ["id missing", { id: undefined }, "id"],
    ["id as a string", { id: "150001" }, "id"],
    ["id not an integer", { id: 1.5 }, "id"],
    ["id zero", { id: 0 }, "id"],
    ["policyNumber too short", { policyNumber: "P1234567" }, "policyNumber"],
    ["policyNumber too long", { policyNumber: "P1234567890" }, "policyNumber"],
    ["policyNumber with symbols", { policyNumber: "P1234-6789" }, "policyNumber"],
    ["amount missing", { amount: undefined }, "amount"],
    ["amount as a string", { amount: "150.00" }, "amount"],
    ["amount negative", { amount: -1 }, "amount"],
    ["amount zero", { amount: 0 }, "amount"],
    ["amount with 3 decimals in USD", { amount: 150.001 }, "amount"],
    ["amount with decimals in KHR", { currency: "KHR", amount: 1000.5 }, "amount"],
    ["currency unknown", { currency: "EUR" }, "currency"],
    ["currency lower case", { currency: "usd" }, "currency"],
    ["bankTransactionId missing", { bankTransactionId: undefined }, "bankTransactionId"],
    ["bankTransactionId empty", { bankTransactionId: "" }, "bankTransactionId"],
    ["bankTransactionId too long", { bankTransactionId: "A".repeat(65) }, "bankTransactionId"],
    ["payer missing", { payer: undefined }, "payer"],
    ["payer blank", { payer: "   " }, "payer"],
    ["payer too long", { payer: "x".repeat(201) }, "payer"],
    ["paidDate missing", { paidDate: undefined }, "paidDate"],
    ["paidDate in another format", { paidDate: "2025-10-07 12:00:00" }, "paidDate"],
    ["paidDate an impossible day", { paidDate: "20250230120000" }, "paidDate"],
    ["paidDate an impossible hour", { paidDate: "20251007250000" }, "paidDate"],
    ["paidDate in the future", { paidDate: "20991231235959" }, "paidDate"],
  ])("%s", async (_case, change, field) => {
    await expectBadRequest(billConfirmationFor(premium, change), field);
  });

  it("accepts USD with two decimals and KHR whole amounts (boundaries)", async () => {
    const usd = await seedPremium({ amount: 0.01 });
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(usd) })).status).toBe(200);
    const khr = await seedPremium({ currency: "KHR", amount: 100 });
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(khr) })).status).toBe(200);
  });

  it("rejects malformed JSON", async () => {
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    expect((await response.json<any>()).error).toMatchObject({ code: "BAD_REQUEST", message: "Request body is not valid JSON" });
  });

  it("rejects a JSON array body", async () => {
    const response = await callGateway("/AMK/payments", { method: "POST", rawBody: "[]", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
  });

  it("rejects a wrong content type", async () => {
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      rawBody: JSON.stringify(billConfirmationFor(premium)),
      headers: { "content-type": "text/plain" },
    });
    expect(response.status).toBe(400);
    expect((await response.json<any>()).error.message).toContain("application/json");
  });

  it("refuses a body over 64 KiB with 413 PAYLOAD_TOO_LARGE", async () => {
    const response = await callGateway("/AMK/payments", {
      method: "POST",
      body: { ...billConfirmationFor(premium), padding: "x".repeat(70_000) },
    });
    expect(response.status).toBe(413);
    expect((await response.json<any>()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers an unknown path with the envelope, not a bare 404", async () => {
    const response = await callGateway("/AMK/nothing-here");
    expect(response.status).toBe(404);
    expect((await response.json<any>()).error.code).toBe("RESOURCE_NOT_FOUND");
  });
});

describe("error details name what is wrong in plain words", () => {
  it("says which fields are missing", async () => {
    const response = await callGateway("/AMK/payments", { method: "POST", body: { id: 150001 } });
    const details = (await response.json<any>()).error.details as string;
    expect(details).toContain("policyNumber: is required");
    expect(details).toContain("paidDate: is required");
    expect(details).not.toContain("Invalid key");
  });
});
