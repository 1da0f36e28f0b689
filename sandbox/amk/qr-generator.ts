// POST /amk/qr/generator: a dynamic KHQR for one invoice, as its string and as a PNG.
import { bearerToken, readJson } from "../http.ts";
import { amkFailure, amkSuccess } from "./amk-reply.ts";
import { amountProblem, isCurrency, type Currency } from "./amount.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { AmkBankState, IssuedInvoice } from "./bank-state.ts";
import { MAX_BILL_NUMBER_LENGTH, SANDBOX_MERCHANT } from "./merchant-qr.ts";
import { qrPng, toBase64 } from "./qr-png.ts";
import { issueQr } from "./qr-tampering.ts";
import { tokenOwner } from "./sign-in.ts";

/** A dynamic KHQR must expire; 15 minutes is a usual window for a payment at the counter. */
export const QR_LIFETIME_MS = 15 * 60 * 1000;

interface QrRequest {
  invoiceNumber: string;
  billNumber: string;
  amount: number;
  currency: Currency;
}

export async function qrGenerator(req: Request, state: AmkBankState, options: AmkBankOptions): Promise<Response> {
  if (!tokenOwner(state, bearerToken(req))) return amkFailure("401", "Invalid or expired access token", 401);

  const parsed = parseQrRequest(await readJson(req));
  if (typeof parsed === "string") return amkFailure("400", parsed, 400);

  const failure = takeOne(state.qrFailures, parsed.billNumber);
  if (failure) return amkFailure(failure.code, "Sandbox forced failure", failure.httpStatus);

  const existing = state.invoices.get(parsed.invoiceNumber);
  if (existing?.status === "SUCCESS") return amkFailure("409", `Invoice ${parsed.invoiceNumber} is already paid`);

  const now = Date.now();
  const qr = issueQr(
    {
      ...SANDBOX_MERCHANT,
      merchantId: options.merchantId,
      amount: parsed.amount,
      currency: parsed.currency,
      billNumber: parsed.billNumber,
      storeLabel: options.storeId,
      terminalLabel: options.terminalId,
      createdAtMs: now,
      expiresAtMs: now + QR_LIFETIME_MS,
    },
    takeOne(state.qrTampering, parsed.billNumber)?.kind,
  );

  const invoice: IssuedInvoice = {
    ...parsed,
    qrString: qr.qrString,
    status: "PENDING",
    createdAtMs: qr.createdAtMs,
    expiresAtMs: qr.expiresAtMs,
    paidAt: null,
    paidDatetime: null,
  };
  state.invoices.set(parsed.invoiceNumber, invoice);
  state.qrGenerations.set(parsed.invoiceNumber, (state.qrGenerations.get(parsed.invoiceNumber) ?? 0) + 1);
  const qrImage = qr.imageString === undefined ? btoa("this is not a PNG image") : toBase64(qrPng(qr.imageString));
  return amkSuccess({ qrImage, qrString: qr.qrString });
}

/** A test-set behaviour for this bill number, counting down the calls it was limited to. */
function takeOne<T extends { remaining?: number }>(controls: Map<string, T>, billNumber: string): T | undefined {
  const control = controls.get(billNumber);
  if (control?.remaining !== undefined && --control.remaining <= 0) controls.delete(billNumber);
  return control;
}

/** The request, or why it is not acceptable. */
function parseQrRequest(body: unknown): QrRequest | string {
  if (typeof body !== "object" || body === null) return "body must be a JSON object";
  const { invoiceNumber, billNumber, amount, currency } = body as Record<string, unknown>;
  if (typeof invoiceNumber !== "string" || !/^[0-9A-Za-z-]{1,32}$/.test(invoiceNumber)) {
    return "invoiceNumber must be a string of 1 to 32 letters, digits or dashes";
  }
  if (typeof billNumber !== "string" || billNumber.length === 0) return "billNumber is required";
  if (Array.from(billNumber).length > MAX_BILL_NUMBER_LENGTH) return `billNumber must be at most ${MAX_BILL_NUMBER_LENGTH} characters`;
  if (!isCurrency(currency)) return "currency must be USD or KHR";
  if (typeof amount !== "number") return "amount must be a number";
  const problem = amountProblem(amount, currency);
  if (problem) return `amount ${problem}`;
  return { invoiceNumber, billNumber, amount, currency };
}
