// The qr-tampering control: qr/generator answers "000" with a QR that has exactly one defect the
// KHQR worker must catch (docs/contracts.md), with a valid CRC so only that check can refuse it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseKhqr, type ParsedKhqr } from "#shared/khqr/payload.ts";
import { decodeQrPng } from "../support/qr-image.ts";
import { CONTROLS, generateQr, postJson, signIn, unique } from "./amk-client.ts";

async function tamper(billNumber: string, kind: string, times?: number): Promise<Response> {
  return postJson(`${CONTROLS}/qr-tampering`, { billNumber, kind, times });
}

async function issue(token: string, billNumber: string) {
  const { status, reply } = await generateQr(token, { invoiceNumber: unique(), billNumber, amount: 89.5, currency: "USD" });
  expect(status).toBe(200);
  expect(reply.code).toBe("000");
  const { qrString, qrImage } = reply.data!;
  return { qrString, parsed: parseKhqr(qrString), scanned: decodeQrPng(qrImage) };
}

/** Everything the KHQR worker checks, except what a test expects to be broken. */
function expectSoundExcept(parsed: ParsedKhqr, billNumber: string, broken: "merchant" | "initiation" | "expiry" | "none") {
  expect(parsed.crcValid).toBe(true);
  expect(parsed.tags).toMatchObject({ "53": "840", "54": "89.50", "62": { "01": billNumber } });
  if (broken !== "initiation") expect(parsed.tags["01"]).toBe("12");
  if (broken !== "merchant") expect(parsed.tags["30"]?.["01"]).toBe(env.AMK_MERCHANT_ID);
  if (broken !== "expiry") expect(Number(parsed.tags["99"]?.["01"])).toBeGreaterThan(Date.now());
}

describe("POST /__sandbox/amk/qr-tampering", () => {
  it("other-merchant: tag 30.01 names another merchant", async () => {
    const billNumber = `P${unique()}`;
    expect(await (await tamper(billNumber, "other-merchant")).json()).toEqual({ billNumber, kind: "other-merchant", times: null });
    const qr = await issue(await signIn(), billNumber);
    expectSoundExcept(qr.parsed, billNumber, "merchant");
    expect(qr.parsed.tags["30"]?.["01"]).toMatch(/^\d{15}$/);
    expect(qr.parsed.tags["30"]?.["01"]).not.toBe(env.AMK_MERCHANT_ID);
    expect(qr.scanned).toBe(qr.qrString);
  });

  it("static: tag 01 is 11, with amount, bill number and expiry unchanged", async () => {
    const billNumber = `P${unique()}`;
    expect((await tamper(billNumber, "static")).status).toBe(201);
    const qr = await issue(await signIn(), billNumber);
    expectSoundExcept(qr.parsed, billNumber, "initiation");
    expect(qr.parsed.tags["01"]).toBe("11");
    expect(qr.scanned).toBe(qr.qrString);
  });

  it("expired: tag 99.01 lies in the past, and the bank will not take payment for it", async () => {
    const billNumber = `P${unique()}`;
    expect((await tamper(billNumber, "expired")).status).toBe(201);
    const token = await signIn();
    const invoiceNumber = unique();
    const { reply } = await generateQr(token, { invoiceNumber, billNumber, amount: 89.5, currency: "USD" });
    const parsed = parseKhqr(reply.data!.qrString);
    expectSoundExcept(parsed, billNumber, "expiry");
    const created = Number(parsed.tags["99"]?.["00"]);
    const expires = Number(parsed.tags["99"]?.["01"]);
    expect(expires).toBeLessThan(Date.now());
    expect(created).toBeLessThan(expires);
    expect(String(expires)).toMatch(/^\d{13}$/);
    expect(decodeQrPng(reply.data!.qrImage)).toBe(reply.data!.qrString);
    expect((await postJson(`${CONTROLS}/pay`, { invoiceNumber })).status).toBe(409);
  });

  it("png-mismatch: the string is sound, the image encodes another QR", async () => {
    const billNumber = `P${unique()}`;
    expect((await tamper(billNumber, "png-mismatch")).status).toBe(201);
    const qr = await issue(await signIn(), billNumber);
    expectSoundExcept(qr.parsed, billNumber, "none");
    expect(qr.scanned).toBeDefined();
    expect(qr.scanned).not.toBe(qr.qrString);
    const scanned = parseKhqr(qr.scanned!);
    expect(scanned.crcValid).toBe(true);
    expect(scanned.tags["30"]?.["01"]).not.toBe(env.AMK_MERCHANT_ID);
  });

  it("png-garbage: the string is sound, the image is no PNG at all", async () => {
    const billNumber = `P${unique()}`;
    expect((await tamper(billNumber, "png-garbage")).status).toBe(201);
    const qr = await issue(await signIn(), billNumber);
    expectSoundExcept(qr.parsed, billNumber, "none");
    expect(qr.scanned).toBeUndefined();
  });

  it("lasts `times` calls, or until deleted", async () => {
    const token = await signIn();
    const counted = `P${unique()}`;
    expect(await (await tamper(counted, "static", 2)).json()).toEqual({ billNumber: counted, kind: "static", times: 2 });
    expect((await issue(token, counted)).parsed.tags["01"]).toBe("11");
    expect((await issue(token, counted)).parsed.tags["01"]).toBe("11");
    expectSoundExcept((await issue(token, counted)).parsed, counted, "none");

    const lasting = `P${unique()}`;
    await tamper(lasting, "other-merchant");
    for (let i = 0; i < 3; i++) expect((await issue(token, lasting)).parsed.tags["30"]?.["01"]).not.toBe(env.AMK_MERCHANT_ID);
    const removed = await fetch(`${CONTROLS}/qr-tampering/${lasting}`, { method: "DELETE" });
    expect(await removed.json()).toEqual({ billNumber: lasting, removed: true });
    const sound = await issue(token, lasting);
    expectSoundExcept(sound.parsed, lasting, "none");
    expect(sound.scanned).toBe(sound.qrString);
  });

  it("only touches the bill number it names", async () => {
    await tamper(`P${unique()}`, "expired");
    const billNumber = `P${unique()}`;
    expectSoundExcept((await issue(await signIn(), billNumber)).parsed, billNumber, "none");
  });

  it("refuses a missing bill number, an unknown kind and a bad count", async () => {
    expect((await postJson(`${CONTROLS}/qr-tampering`, { kind: "static" })).status).toBe(400);
    expect((await tamper(`P${unique()}`, "wrong-amount")).status).toBe(400);
    expect((await tamper(`P${unique()}`, "static", 0)).status).toBe(400);
  });
});
