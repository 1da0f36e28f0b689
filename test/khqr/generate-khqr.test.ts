import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseKhqr } from "#shared/khqr/payload.ts";
import { eventually, failQr, payAtBank, revokeTokens, signIns, verifications } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { AMK_BANK, callKhqr, failingSessions, tamperQr, type QrDefect } from "../support/khqr.ts";
import { kafkaRecords, seedPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { decodeQrPng } from "../support/qr-image.ts";
import { queryRow } from "../support/records.ts";

describe("GET /khqr", () => {
  // First in the file: the worker's token cache is empty, so exactly one sign-in is expected. This is
  // the only test file that signs in with the workers' partner account (the sandbox's own tests use
  // another), so no other file moves the count.
  it("signs in to AMK once and reuses the token for many QR codes", async () => {
    const before = await signIns();
    for (let i = 0; i < 3; i++) {
      const premium = await seedPremium();
      expect((await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`)).status).toBe(200);
    }
    expect(await signIns()).toBe(before + 1);
  });

  it("answers the spec's GenerateKhqrResDto with our PNG, which scans back to the checked KHQR string", async () => {
    const premium = await seedPremium({ amount: 89.5, payer: "Sok Dara" });
    const response = await callKhqr(`/khqr?bankCode=${AMK_BANK}&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    const { success, data } = await response.json<any>();
    expect(success).toBe(true);
    expect(data).toMatchObject({
      paymentId: premium.id,
      policyId: premium.policyNumber,
      customerName: "Sok Dara",
      amount: 89.5,
      currency: "USD",
    });
    expect(decodeQrPng(data.qrCode)).toBe(data.qrString);
    const khqr = parseKhqr(data.qrString);
    expect(khqr.crcValid).toBe(true);
    expect(khqr.tags["54"]).toBe("89.50");
    expect(khqr.tags["53"]).toBe("840");
    expect(khqr.tags["62"]?.["01"]).toBe(premium.policyNumber);
    expect(Date.parse(data.expiresAt)).toBeGreaterThan(Date.now());
  });

  it("answers the premium's open QR again instead of having AMK mint a second one under its invoice", async () => {
    const premium = await seedPremium();
    const first = (await (await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`)).json<any>()).data;
    const issuedAt = (await queryRow<{ issued_at: string }>("SELECT issued_at FROM khqr_issuances WHERE invoice_number = ?", String(premium.id)))!.issued_at;
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    const again = (await response.json<any>()).data;
    expect([again.qrString, again.expiresAt]).toEqual([first.qrString, first.expiresAt]);
    expect(decodeQrPng(again.qrCode)).toBe(first.qrString);
    const row = await queryRow<{ issued_at: string }>("SELECT issued_at FROM khqr_issuances WHERE invoice_number = ?", String(premium.id));
    expect(row!.issued_at).toBe(issuedAt);
    const generated = await eventually(
      () => kafkaRecords(premium.policyNumber),
      (r) => r.length > 0,
    );
    expect(generated.filter((r) => r.topic === "dev.khqr.generated-event")).toHaveLength(1);
  });

  it("refuses a QR for a premium paid by bill, though this location's cache still offers it as unpaid", async () => {
    const premium = await seedPremium();
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
    // As a location the paid mark has not reached yet: the premium cached unpaid, no paid mark.
    const dto = { id: premium.id, policyNumber: premium.policyNumber, payer: premium.payer, amount: premium.amount, currency: premium.currency, dueDate: premium.dueDate };
    await env.PREMIUM_CACHE.put(`premium:v1:${premium.policyNumber}`, JSON.stringify({ premium: dto }));
    await env.PREMIUM_CACHE.delete(`paid:v1:${premium.id}`);
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(404);
    expect((await response.json<any>()).error).toMatchObject({ code: "RESOURCE_NOT_FOUND", message: "This premium is already paid" });
    expect(await queryRow("SELECT 1 AS issued FROM khqr_issuances WHERE invoice_number = ?", String(premium.id))).toBeNull();
  });

  it("records the issuance and publishes khqr.generated-event", async () => {
    const premium = await seedPremium({ currency: "KHR", amount: 400000 });
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    const { data } = await response.json<any>();
    const issued = await queryRow("SELECT * FROM khqr_issuances WHERE invoice_number = ?", String(premium.id));
    expect(issued).toMatchObject({
      payment_id: premium.id,
      amount_minor: 400000,
      currency: "KHR",
      bank_code: "AMK",
      qr_string: data.qrString,
    });
    const records = await eventually(
      () => kafkaRecords(premium.policyNumber),
      (r) => r.length > 0,
    );
    expect(records).toHaveLength(1);
    expect(records[0]!.topic).toBe("dev.khqr.generated-event");
    expect(records[0]!.value).toEqual({
      eventId: expect.any(String),
      type: "khqr.generated-event",
      version: 1,
      occurredAt: expect.any(String),
      paymentId: premium.id,
      policyNumber: premium.policyNumber,
      amount: 400000,
      currency: "KHR",
      bankCode: "AMK",
    });
  });

  it("signs in again once when AMK rejects the cached token, and succeeds", async () => {
    const premium = await seedPremium();
    expect((await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`)).status).toBe(200);
    const before = await signIns();
    await revokeTokens();
    const again = await seedPremium();
    expect((await callKhqr(`/khqr?bankCode=AMK&billNumber=${again.policyNumber}`)).status).toBe(200);
    expect(await signIns()).toBe(before + 1);
  });

  it.each([
    ["missing bankCode", "billNumber=P123456789", "BAD_REQUEST", 400],
    [
      "bankCode that starts like JSON but does not parse",
      `bankCode=${encodeURIComponent('{"id":"AMK"')}&billNumber=P123456789`,
      "BAD_REQUEST",
      400,
    ],
    ["bankCode object without bank", `bankCode=${encodeURIComponent('{"id":"AMK"}')}&billNumber=P123456789`, "BAD_REQUEST", 400],
    ["missing billNumber", "bankCode=AMK", "BAD_REQUEST", 400],
    ["billNumber with symbols", "bankCode=AMK&billNumber=P1-2", "BAD_REQUEST", 400],
    ["unknown bank", "bankCode=NOBANK&billNumber=P123456789", "BANK_NOT_FOUND", 404],
    [
      "bank without a merchant binding",
      `bankCode=${encodeURIComponent('{"id":"ABA","bank":"ABA"}')}&billNumber=P123456789`,
      "MERCHANT_NOT_BIND",
      422,
    ],
    ["unknown bill", "bankCode=AMK&billNumber=X000000404", "RESOURCE_NOT_FOUND", 404],
  ])("%s: %s", async (_case, search, code, status) => {
    const response = await callKhqr(`/khqr?${search}`);
    expect(response.status).toBe(status);
    expect((await response.json<any>()).error.code).toBe(code);
  });

  it("answers 502 AMK_UNKNOWN_ERROR when AMK's QR API answers an unknown code", async () => {
    const premium = await seedPremium();
    await failQr(premium.policyNumber, { code: "999" });
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(502);
    expect((await response.json<any>()).error.code).toBe("AMK_UNKNOWN_ERROR");
  });

  it("answers 503 SERVER_UNAVAILABLE when AMK's QR API is down", async () => {
    const premium = await seedPremium();
    await failQr(premium.policyNumber, { httpStatus: 503 });
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error.code).toBe("SERVER_UNAVAILABLE");
  });

  it("requires a token with the khqr:generate scope", async () => {
    expect((await callKhqr("/khqr?bankCode=AMK&billNumber=P123456789", { token: null })).status).toBe(401);
    const forbidden = await callKhqr("/khqr?bankCode=AMK&billNumber=P123456789", { token: await tokenFor(["payments:inquire"]) });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json<any>()).error.code).toBe("FORBIDDEN");
  });
});

// In this file too, since it signs in with the workers' partner account.
describe("AMK's QR is checked before a customer sees it (docs/contracts.md)", () => {
  async function nothingRecorded(premium: { id: number; policyNumber: string }) {
    const issued = await queryRow("SELECT 1 FROM khqr_issuances WHERE payment_id = ?", premium.id);
    expect(issued).toBeNull();
    // Give an outbox publish the time it would take, had an event been written.
    const records = await eventually(
      () => kafkaRecords(premium.policyNumber),
      (r) => r.length > 0,
      500,
    );
    expect(records).toEqual([]);
  }

  it.each<[QrDefect, string]>([
    ["other-merchant", "pays another merchant (tag 30.01)"],
    ["static", "is static (tag 01 = 11)"],
    ["expired", "has expired (tag 99.01)"],
  ])("%s: a QR that %s is 502 AMK_UNKNOWN_ERROR and is not recorded", async (kind) => {
    const premium = await seedPremium();
    await tamperQr(premium.policyNumber, kind);
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(502);
    const body = await response.json<any>();
    expect(body.error.code).toBe("AMK_UNKNOWN_ERROR");
    expect(JSON.stringify(body)).not.toContain("000201");
    await nothingRecorded(premium);
  });

  it("a sound QR after a refused one is issued, and its PNG scans to the checked string", async () => {
    const premium = await seedPremium({ amount: 12.3 });
    await tamperQr(premium.policyNumber, "static", 1);
    expect((await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`)).status).toBe(502);
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    const { data } = await response.json<any>();
    expect(decodeQrPng(data.qrCode)).toBe(data.qrString);
    expect(parseKhqr(data.qrString).tags["30"]?.["01"]).toBe(env.AMK_MERCHANT_ID);
    const issued = await queryRow("SELECT qr_string FROM khqr_issuances WHERE payment_id = ?", premium.id);
    expect(issued).toEqual({ qr_string: data.qrString });
  });

  // AMK's qrImage is never shown: the customer scans the PNG we draw from the checked string, so
  // AMK's picture, whatever it holds, neither refuses a sound QR nor reaches anyone.
  it.each<[QrDefect, string]>([
    ["png-mismatch", "a PNG of another merchant's QR"],
    ["png-garbage", "Base64 that is no PNG"],
  ])("%s: a sound KHQR string with %s is issued with our own PNG of that string", async (kind) => {
    const premium = await seedPremium({ amount: 23.4 });
    await tamperQr(premium.policyNumber, kind);
    const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(response.status).toBe(200);
    const { data } = await response.json<any>();
    expect(parseKhqr(data.qrString).tags["30"]?.["01"]).toBe(env.AMK_MERCHANT_ID);
    expect(decodeQrPng(data.qrCode)).toBe(data.qrString);
    const issued = await queryRow("SELECT qr_string FROM khqr_issuances WHERE payment_id = ?", premium.id);
    expect(issued).toEqual({ qr_string: data.qrString });
  });
});

describe("the AMK sign-in token", () => {
  it("is shared: concurrent QR requests after AMK revoked it sign in once", async () => {
    const premiums = await Promise.all(Array.from({ length: 6 }, () => seedPremium()));
    expect((await callKhqr(`/khqr?bankCode=AMK&billNumber=${premiums[0]!.policyNumber}`)).status).toBe(200);
    await revokeTokens();
    const before = await signIns();
    const responses = await Promise.all(premiums.slice(1).map((p) => callKhqr(`/khqr?bankCode=AMK&billNumber=${p.policyNumber}`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await signIns()).toBe(before + 1);
  });

  it("survives a KV outage: the QR is generated, the token kept in memory", async () => {
    // Another spelling of the same AMK base URL is another cache key: this isolate holds no token
    // for it yet, so the worker must read KV (which fails), sign in, and write KV (which fails).
    const env2 = { AMK_SESSION: failingSessions, AMK_BASE_URL: `${env.AMK_BASE_URL}/` };
    const before = await signIns();
    for (let i = 0; i < 2; i++) {
      const premium = await seedPremium();
      const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`, { env: env2 });
      expect(response.status).toBe(200);
    }
    expect(await signIns()).toBe(before + 1);
  });
});

describe("the whole KHQR flow: generate, pay at the bank, webhook, verify, events", () => {
  it("confirms a QR paid at the sandbox bank, exactly as AMK would send it", async () => {
    const premium = await seedPremium({ amount: 42.1 });
    const generated = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
    expect(generated.status).toBe(200);
    const { data } = await generated.json<any>();

    const webhook = await payAtBank(String(data.paymentId));
    expect(webhook.body).toMatchObject({ invoice_number: String(premium.id), status: "SUCCESS", paid_amount: 42.1, currency: "USD" });
    const response = await callGateway("/AMK/khqr", {
      method: "POST",
      token: webhook.authorization.slice("Bearer ".length),
      body: webhook.body,
    });
    expect(response.status).toBe(200);
    expect((await response.json<any>()).data).toEqual({
      transactionId: `AMK_KHQR_${premium.id}`,
      status: "CONFIRMED",
      message: "KHQR payment successfully processed",
    });
    expect(await verifications(String(premium.id))).toBe(1);

    const records = await eventually(
      () => kafkaRecords(premium.policyNumber),
      (r) => r.length >= 3,
    );
    const topics = records.map((r) => r.topic).sort();
    expect(topics).toEqual(["dev.gateway.payment.success", "dev.gateway.payment.verified", "dev.khqr.generated-event"]);

    const inquiry = await callGateway(`/AMK/payments?query=${premium.policyNumber}`);
    expect(inquiry.status).toBe(404);
  });
});
