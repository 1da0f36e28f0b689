// The AMK stand-in, driven over HTTP as the workers drive it. The sandbox is shared with the other
// test files running alongside, so every test uses its own invoice, bill and txId numbers, signs in
// with the sandbox's test-only partner account (the KHQR worker's sign-ins are counted elsewhere)
// and revokes only its own token.
import { env } from "cloudflare:workers";
import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";
import { parseKhqr } from "#shared/khqr/payload.ts";
import { SANDBOX_TEST_PARTNER } from "../../sandbox/local-config.ts";
import { decodeQrPng } from "../support/qr-image.ts";
import { AMK, CONTROLS, generateQr, postJson, signIn, unique } from "./amk-client.ts";

const VERIFY_URL = `${AMK}/amkpayway/v1/api/payment/payment-verify`;

async function issueInvoice(overrides: Record<string, unknown> = {}) {
  const invoiceNumber = unique();
  const body = { invoiceNumber, billNumber: `P${unique()}`, amount: 150.0, currency: "USD", ...overrides };
  const { status, reply } = await generateQr(await signIn(), body);
  expect(status).toBe(200);
  expect(reply.code).toBe("000");
  return { ...body, invoiceNumber, qrString: reply.data!.qrString, qrImage: reply.data!.qrImage };
}

interface VerifyReply {
  code: string;
  message: string;
  data?: { txId: string; status: string; amount: number; currency: string; paidAt: string | null };
}

async function verify(
  txId: string,
  overrides: Partial<Record<"merchantId" | "storeId" | "terminalId" | "timestamp" | "hash", string>> = {},
) {
  const fields = {
    merchantId: env.AMK_MERCHANT_ID,
    storeId: env.AMK_STORE_ID,
    terminalId: env.AMK_TERMINAL_ID,
    txId,
    timestamp: String(Date.now()),
    ...overrides,
  };
  const hash = overrides.hash ?? (await paymentVerifyHash(env.AMK_SECRET_KEY, fields));
  const response = await fetch(VERIFY_URL, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, hash }),
  });
  return { status: response.status, reply: (await response.json()) as VerifyReply };
}

describe("POST /amk/auth/sign-in", () => {
  it("issues a bearer token for the partner credentials", async () => {
    const response = await postJson(`${AMK}/auth/sign-in`, {
      username: SANDBOX_TEST_PARTNER.username,
      password: SANDBOX_TEST_PARTNER.password,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(body.access_token).toMatch(/^\S{32,}$/);
    expect(await signIn()).not.toBe(body.access_token);
  });

  it("refuses a wrong password with HTTP 401 and code 401", async () => {
    const response = await postJson(`${AMK}/auth/sign-in`, { username: SANDBOX_TEST_PARTNER.username, password: "wrong" });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "401" });
  });

  it("counts sign-ins per username", async () => {
    const username = `probe-${unique()}`;
    const count = async () => ((await (await fetch(`${CONTROLS}/sign-ins?username=${username}`)).json()) as { count: number }).count;
    expect(await count()).toBe(0);
    await postJson(`${AMK}/auth/sign-in`, { username, password: "x" });
    await postJson(`${AMK}/auth/sign-in`, { username, password: "y" });
    expect(await count()).toBe(2);
  });

  it("answers 400 without username and password", async () => {
    const response = await postJson(`${AMK}/auth/sign-in`, { username: SANDBOX_TEST_PARTNER.username });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "400" });
  });
});

describe("POST /amk/qr/generator", () => {
  it("returns a KHQR string with a valid CRC for the invoice", async () => {
    const before = Date.now();
    const invoice = await issueInvoice();
    const parsed = parseKhqr(invoice.qrString);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.tags).toMatchObject({ "00": "01", "01": "12", "52": "5999", "53": "840", "54": "150", "58": "KH" });
    expect(parsed.tags["30"]?.["01"]).toBe(env.AMK_MERCHANT_ID);
    expect(parsed.tags["62"]).toMatchObject({ "01": invoice.billNumber, "03": env.AMK_STORE_ID, "07": env.AMK_TERMINAL_ID });
    const created = Number(parsed.tags["99"]?.["00"]);
    const expires = Number(parsed.tags["99"]?.["01"]);
    expect(created).toBeGreaterThanOrEqual(before - 5_000);
    expect(expires - created).toBe(15 * 60 * 1000);
  });

  it("returns a PNG that scans back to exactly the qrString", async () => {
    const invoice = await issueInvoice();
    expect(atob(invoice.qrImage).slice(0, 8)).toBe("\x89PNG\r\n\x1a\n");
    expect(decodeQrPng(invoice.qrImage)).toBe(invoice.qrString);
  });

  it("writes KHR amounts as whole riel with currency 116", async () => {
    const invoice = await issueInvoice({ amount: 400000, currency: "KHR" });
    expect(parseKhqr(invoice.qrString).tags).toMatchObject({ "53": "116", "54": "400000" });
    expect(decodeQrPng(invoice.qrImage)).toBe(invoice.qrString);
  });

  it("records the issued invoice as PENDING", async () => {
    const invoice = await issueInvoice({ amount: 89.5 });
    const response = await fetch(`${CONTROLS}/invoices/${invoice.invoiceNumber}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      invoiceNumber: invoice.invoiceNumber,
      billNumber: invoice.billNumber,
      amount: 89.5,
      currency: "USD",
      qrString: invoice.qrString,
      status: "PENDING",
      paidAt: null,
    });
    expect((await fetch(`${CONTROLS}/invoices/${unique()}`)).status).toBe(404);
  });

  it("rejects a missing, unknown or revoked token with HTTP 401 and code 401", async () => {
    const body = { invoiceNumber: unique(), billNumber: "P123456789", amount: 150, currency: "USD" };
    const missing = await postJson(`${AMK}/qr/generator`, body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: "401" });

    expect(await generateQr("not-a-token", body)).toMatchObject({ status: 401, reply: { code: "401" } });

    const token = await signIn();
    expect((await generateQr(token, body)).status).toBe(200);
    const revoke = await postJson(`${CONTROLS}/revoke-tokens`, { token });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    expect(await generateQr(token, { ...body, invoiceNumber: unique() })).toMatchObject({ status: 401, reply: { code: "401" } });
  });

  it("rejects a bad body with HTTP 400 and code 400", async () => {
    const token = await signIn();
    const good = { invoiceNumber: unique(), billNumber: "P123456789", amount: 150, currency: "USD" };
    const bad = [
      { ...good, currency: "EUR" },
      { ...good, amount: "150" },
      { ...good, amount: 150.001 },
      { ...good, amount: 100.5, currency: "KHR" },
      { ...good, billNumber: "" },
      { ...good, billNumber: "B".repeat(26) },
      { ...good, invoiceNumber: 150001 },
    ];
    for (const body of bad) {
      expect(await generateQr(token, body), JSON.stringify(body)).toMatchObject({ status: 400, reply: { code: "400" } });
    }
  });

  it("answers a forced failure code for a bill number, for the given number of calls", async () => {
    const token = await signIn();
    const billNumber = `P${unique()}`;
    const body = { invoiceNumber: unique(), billNumber, amount: 150, currency: "USD" };
    expect((await postJson(`${CONTROLS}/qr-failures`, { billNumber, code: "999", times: 2 })).status).toBe(201);
    expect(await generateQr(token, body)).toMatchObject({ status: 200, reply: { code: "999" } });
    expect(await generateQr(token, body)).toMatchObject({ status: 200, reply: { code: "999" } });
    expect(await generateQr(token, body)).toMatchObject({ status: 200, reply: { code: "000" } });

    await postJson(`${CONTROLS}/qr-failures`, { billNumber, httpStatus: 503 });
    expect((await generateQr(token, body)).status).toBe(503);
    expect((await fetch(`${CONTROLS}/qr-failures/${billNumber}`, { method: "DELETE" })).status).toBe(200);
    expect((await generateQr(token, body)).reply.code).toBe("000");
  });
});

describe("POST payment-verify", () => {
  it("reports an issued, unpaid invoice as PENDING", async () => {
    const invoice = await issueInvoice();
    expect(await verify(invoice.invoiceNumber)).toEqual({
      status: 200,
      reply: {
        code: "000",
        message: "Success",
        data: { txId: invoice.invoiceNumber, status: "PENDING", amount: 150, currency: "USD", paidAt: null },
      },
    });
  });

  it("answers 401 for a bad hash or a stale timestamp", async () => {
    const invoice = await issueInvoice();
    const goodHash = await paymentVerifyHash(env.AMK_SECRET_KEY, {
      merchantId: env.AMK_MERCHANT_ID,
      storeId: env.AMK_STORE_ID,
      terminalId: env.AMK_TERMINAL_ID,
      txId: invoice.invoiceNumber,
      timestamp: "1",
    });
    expect(await verify(invoice.invoiceNumber, { hash: goodHash })).toMatchObject({ status: 200, reply: { code: "401" } });
    const wrongKeyHash = await paymentVerifyHash("not-the-key", {
      merchantId: env.AMK_MERCHANT_ID,
      storeId: env.AMK_STORE_ID,
      terminalId: env.AMK_TERMINAL_ID,
      txId: invoice.invoiceNumber,
      timestamp: String(Date.now()),
    });
    expect(await verify(invoice.invoiceNumber, { hash: wrongKeyHash })).toMatchObject({ status: 200, reply: { code: "401" } });
    expect(await verify(invoice.invoiceNumber, { timestamp: String(Date.now() - 6 * 60 * 1000) })).toMatchObject({
      reply: { code: "401" },
    });
    expect(await verify(invoice.invoiceNumber, { timestamp: String(Date.now() + 6 * 60 * 1000) })).toMatchObject({
      reply: { code: "401" },
    });
    expect(await verify(invoice.invoiceNumber, { timestamp: String(Date.now() - 4 * 60 * 1000) })).toMatchObject({
      reply: { code: "000" },
    });
  });

  it("answers 403 when the merchant, store or terminal is not the bound one", async () => {
    const invoice = await issueInvoice();
    for (const field of ["merchantId", "storeId", "terminalId"] as const) {
      expect(await verify(invoice.invoiceNumber, { [field]: "111111111111111" })).toMatchObject({ status: 200, reply: { code: "403" } });
    }
  });

  it("answers 404 for a transaction it never issued", async () => {
    expect(await verify(unique())).toMatchObject({ status: 200, reply: { code: "404" } });
  });

  it("refuses JSON and missing fields with HTTP 400", async () => {
    const json = await postJson(VERIFY_URL, { txId: "1" });
    expect(json.status).toBe(400);
    const partial = await fetch(VERIFY_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "txId=1",
    });
    expect(partial.status).toBe(400);
    expect(await partial.json()).toMatchObject({ code: "400" });
  });

  it("counts verify calls per txId", async () => {
    const txId = unique();
    const count = async () => ((await (await fetch(`${CONTROLS}/verifications?txId=${txId}`)).json()) as { count: number }).count;
    expect(await count()).toBe(0);
    await verify(txId);
    await verify(txId, { hash: "bad" });
    expect(await count()).toBe(2);
  });

  it("reports what a seeded transaction says, until it is deleted", async () => {
    const invoice = await issueInvoice();
    const seed = { txId: invoice.invoiceNumber, status: "SUCCESS", amount: 149.99, currency: "USD", paidAt: "2025-10-07 12:00:00" };
    expect((await postJson(`${CONTROLS}/transactions`, seed)).status).toBe(201);
    expect((await verify(invoice.invoiceNumber)).reply).toEqual({
      code: "000",
      message: "Success",
      data: { txId: invoice.invoiceNumber, status: "SUCCESS", amount: 149.99, currency: "USD", paidAt: "2025-10-07 12:00:00" },
    });
    await fetch(`${CONTROLS}/transactions/${invoice.invoiceNumber}`, { method: "DELETE" });
    expect((await verify(invoice.invoiceNumber)).reply.data?.status).toBe("PENDING");
  });

  it("seeds a transaction it never issued", async () => {
    const txId = unique();
    await postJson(`${CONTROLS}/transactions`, { txId, status: "FAILED", amount: 400000, currency: "KHR" });
    expect((await verify(txId)).reply).toMatchObject({
      code: "000",
      data: { status: "FAILED", amount: 400000, currency: "KHR", paidAt: expect.any(String) },
    });
  });

  it("forces a reply code or an HTTP status for a txId, after its own checks", async () => {
    const txId = unique();
    await postJson(`${CONTROLS}/transactions`, { txId, respond: { code: "999" } });
    expect(await verify(txId)).toMatchObject({ status: 200, reply: { code: "999" } });
    expect(await verify(txId, { hash: "bad" })).toMatchObject({ reply: { code: "401" } });

    await postJson(`${CONTROLS}/transactions`, { txId, respond: { httpStatus: 500 } });
    expect((await verify(txId)).status).toBe(500);
  });

  it("refuses a malformed seed", async () => {
    expect((await postJson(`${CONTROLS}/transactions`, { txId: unique(), status: "DONE", amount: 1, currency: "USD" })).status).toBe(400);
    expect((await postJson(`${CONTROLS}/transactions`, { txId: unique() })).status).toBe(400);
    expect((await postJson(`${CONTROLS}/transactions`, { txId: unique(), respond: { httpStatus: 42 } })).status).toBe(400);
  });
});

describe("POST /__sandbox/amk/pay", () => {
  interface PayReply {
    error?: string;
    invoice: { status: string; paidAt: string; paidDatetime: string };
    webhook: { url: string; request: { authorization: string; body: Record<string, unknown> } };
  }

  it("records the payment and sends AMK's webhook (unreachable in tests: 502)", async () => {
    const invoice = await issueInvoice();
    const response = await postJson(`${CONTROLS}/pay`, { invoiceNumber: invoice.invoiceNumber });
    // The test sandbox points the webhook at http://127.0.0.1:9, which refuses at once.
    expect(response.status).toBe(502);
    const paid = (await response.json()) as PayReply;
    expect(paid.error).toMatch(/webhook .*failed/);
    expect(paid.invoice.status).toBe("SUCCESS");
    expect(paid.webhook.url).toBe("http://127.0.0.1:9/AMK/khqr");

    const body = paid.webhook.request.body;
    expect(body).toEqual({
      invoice_number: invoice.invoiceNumber,
      status: "SUCCESS",
      merchant_number: env.AMK_MERCHANT_ID,
      paid_amount: 150,
      currency: "USD",
      paid_datetime: paid.invoice.paidDatetime,
    });
    expect(body.paid_datetime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const paidInstant = Date.parse(`${(body.paid_datetime as string).replace(" ", "T")}+07:00`);
    expect(Math.abs(paidInstant - Date.now())).toBeLessThan(60_000);

    const token = paid.webhook.request.authorization.replace(/^Bearer /, "");
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(env.JWT_SECRET), {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      algorithms: ["HS256"],
    });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ sub: "amk-bank", scope: "payments:confirm" });
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);

    expect((await verify(invoice.invoiceNumber)).reply.data).toEqual({
      txId: invoice.invoiceNumber,
      status: "SUCCESS",
      amount: 150,
      currency: "USD",
      paidAt: paid.invoice.paidAt,
    });
    expect(paid.invoice.paidAt).toBe((body.paid_datetime as string).slice(0, 19));
  });

  it("re-sends the same webhook for a paid invoice, and will not un-pay it", async () => {
    const invoice = await issueInvoice();
    const first = (await (await postJson(`${CONTROLS}/pay`, { invoiceNumber: invoice.invoiceNumber })).json()) as PayReply;
    const again = (await (await postJson(`${CONTROLS}/pay`, { invoiceNumber: invoice.invoiceNumber })).json()) as PayReply;
    expect(again.webhook.request.body).toEqual(first.webhook.request.body);
    expect((await postJson(`${CONTROLS}/pay`, { invoiceNumber: invoice.invoiceNumber, status: "FAILED" })).status).toBe(409);
  });

  it("records a failed payment as FAILED", async () => {
    const invoice = await issueInvoice();
    const paid = (await (await postJson(`${CONTROLS}/pay`, { invoiceNumber: invoice.invoiceNumber, status: "FAILED" })).json()) as PayReply;
    expect(paid.webhook.request.body.status).toBe("FAILED");
    expect((await verify(invoice.invoiceNumber)).reply.data?.status).toBe("FAILED");
  });

  it("answers 404 for an invoice it never issued, and 400 without one", async () => {
    expect((await postJson(`${CONTROLS}/pay`, { invoiceNumber: unique() })).status).toBe(404);
    expect((await postJson(`${CONTROLS}/pay`, {})).status).toBe(400);
  });
});
