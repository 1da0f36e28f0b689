// GET /khqr/{paymentId}/status (docs/api.md): JSON and Server-Sent Events, through the
// KHQR worker's real service binding to the gateway's records.
import { describe, expect, it } from "vitest";
import { payAtBank } from "../support/amk.ts";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { callKhqrApart as callKhqr, eventReader, expireQrAt } from "../support/khqr.ts";
import { seedPremium, type TestPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";

async function issueQr(premium: TestPremium) {
  const response = await callKhqr(`/khqr?bankCode=AMK&billNumber=${premium.policyNumber}`);
  expect(response.status).toBe(200);
  return (await response.json<any>()).data as { paymentId: number; expiresAt: string };
}

/** Pays the QR at the sandbox bank and hands AMK's webhook to the gateway, as AMK would. */
async function payQr(paymentId: number) {
  const webhook = await payAtBank(String(paymentId));
  const response = await callGateway("/AMK/khqr", { method: "POST", token: webhook.authorization.slice(7), body: webhook.body });
  expect(response.status).toBe(200);
}

const status = (paymentId: number | string, options: Parameters<typeof callKhqr>[1] = {}) => callKhqr(`/khqr/${paymentId}/status`, options);

describe("GET /khqr/{paymentId}/status", () => {
  it("is PENDING once a QR is issued, with the premium's money and the QR's expiry", async () => {
    const premium = await seedPremium({ amount: 89.5 });
    const qr = await issueQr(premium);
    const response = await status(premium.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      data: {
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        status: "PENDING",
        amount: 89.5,
        currency: "USD",
        expiresAt: qr.expiresAt,
        paidAt: null,
        channel: null,
        transactionId: null,
      },
    });
  });

  it("is PAID through KHQR once AMK's webhook is confirmed", async () => {
    const premium = await seedPremium({ currency: "KHR", amount: 400000 });
    await issueQr(premium);
    await payQr(premium.id);
    const { data } = await (await status(premium.id)).json<any>();
    expect(data).toMatchObject({
      status: "PAID",
      channel: "KHQR",
      transactionId: `AMK_KHQR_${premium.id}`,
      amount: 400000,
      currency: "KHR",
    });
    expect(Date.parse(data.paidAt)).not.toBeNaN();
  });

  it("is PAID through BILL when the premium was paid at the counter, with or without a QR", async () => {
    const premium = await seedPremium();
    await issueQr(premium);
    const bill = billConfirmationFor(premium);
    expect((await callGateway("/AMK/payments", { method: "POST", body: bill })).status).toBe(200);
    const { data } = await (await status(premium.id)).json<any>();
    expect(data).toMatchObject({ status: "PAID", channel: "BILL", transactionId: bill.bankTransactionId });

    const noQr = await seedPremium();
    expect((await callGateway(`/AMK/payments?query=${noQr.policyNumber}`)).status).toBe(200);
    expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(noQr) })).status).toBe(200);
    expect((await (await status(noQr.id)).json<any>()).data).toMatchObject({ status: "PAID", channel: "BILL", expiresAt: null });
  });

  it("is EXPIRED when the latest QR expired unpaid", async () => {
    const premium = await seedPremium();
    await issueQr(premium);
    await expireQrAt(premium.id, new Date(Date.now() - 1_000));
    expect((await (await status(premium.id)).json<any>()).data.status).toBe("EXPIRED");
  });

  it("is 404 RESOURCE_NOT_FOUND for a payment id with no QR and no payment, even a premium offered", async () => {
    const premium = await seedPremium();
    expect((await callGateway(`/AMK/payments?query=${premium.policyNumber}`)).status).toBe(200);
    for (const id of [premium.id, 999_999_999]) {
      const response = await status(id);
      expect(response.status).toBe(404);
      expect((await response.json<any>()).error.code).toBe("RESOURCE_NOT_FOUND");
    }
  });

  it("is 400 BAD_REQUEST for a payment id that is not a positive whole number", async () => {
    for (const id of ["abc", "12.5", "-3", "0", "1e5", "99999999999999999999"]) {
      const response = await status(id);
      expect(response.status, id).toBe(400);
      expect((await response.json<any>()).error.code).toBe("BAD_REQUEST");
    }
  });

  it("needs a token (401) with the khqr:generate scope (403), before looking at the id", async () => {
    expect((await status("abc", { token: null })).status).toBe(401);
    expect((await status("abc", { token: await tokenFor(["payments:inquire"]) })).status).toBe(403);
  });
});

describe("GET /khqr/{paymentId}/status as Server-Sent Events", () => {
  const asStream = { headers: { accept: "text/event-stream" } };

  it("sends the status at once, then PAID within 2 seconds of the gateway's answer, then ends", async () => {
    const premium = await seedPremium();
    await issueQr(premium);
    const response = await status(premium.id, asStream);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = eventReader(response);
    const first = await events.next(1_000);
    expect(first).toMatchObject({ event: "status", data: { paymentId: premium.id, status: "PENDING" } });

    await payQr(premium.id);
    const answeredAt = Date.now();
    const paid = await events.next(2_000);
    expect(Date.now() - answeredAt).toBeLessThan(2_000);
    expect(paid).toMatchObject({ event: "status", data: { status: "PAID", channel: "KHQR", transactionId: `AMK_KHQR_${premium.id}` } });
    expect(await events.next(2_000)).toBeNull();
  });

  it("sends EXPIRED when the QR's time runs out, then ends", async () => {
    const premium = await seedPremium();
    await issueQr(premium);
    await expireQrAt(premium.id, new Date(Date.now() + 1_200));
    const events = eventReader(await status(premium.id, asStream));
    expect((await events.next(1_000))?.data.status).toBe("PENDING");
    expect((await events.next(3_000))?.data.status).toBe("EXPIRED");
    expect(await events.next(2_000)).toBeNull();
  });

  it("sends a paid premium's status once and ends at once", async () => {
    const premium = await seedPremium();
    await issueQr(premium);
    await payQr(premium.id);
    const events = eventReader(await status(premium.id, asStream));
    expect((await events.next(1_000))?.data.status).toBe("PAID");
    expect(await events.next(1_000)).toBeNull();
  });

  it("answers errors as the JSON envelope, not as a stream", async () => {
    const response = await status(999_999_998, asStream);
    expect(response.status).toBe(404);
    expect((await response.json<any>()).error.code).toBe("RESOURCE_NOT_FOUND");
  });
});
