// POST /amk/qr/generator: a dynamic KHQR for one invoice, as its string and as a PNG.
import { amountProblem, isCurrency } from "../../shared/money.ts";
import { buildKhqr, KhqrError } from "../../shared/khqr/payload.ts";
import { bearerToken, readJson } from "../http.ts";
import { amkFailure, amkSuccess } from "./amk-reply.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { AmkBankState, IssuedInvoice } from "./bank-state.ts";
import { qrPng, toBase64 } from "./qr-png.ts";
import { tokenOwner } from "./sign-in.ts";

/** A dynamic KHQR must expire; 15 minutes is a usual window for a payment at the counter. */
export const QR_LIFETIME_MS = 15 * 60 * 1000;

/** The parts of the merchant QR the configuration does not name; none is a real account. */
const SANDBOX_MERCHANT = {
  bakongAccountId: "dlc_sandbox@amkb",
  acquiringBank: "AMK Bank",
  merchantName: "Dai-ichi Life Cambodia",
  merchantCity: "Phnom Penh",
} as const;

interface QrRequest {
  invoiceNumber: string;
  billNumber: string;
  amount: number;
  currency: "USD" | "KHR";
}

export async function qrGenerator(req: Request, state: AmkBankState, options: AmkBankOptions): Promise<Response> {
  if (!tokenOwner(state, bearerToken(req))) return amkFailure("401", "Invalid or expired access token", 401);

  const parsed = parseQrRequest(await readJson(req));
  if (typeof parsed === "string") return amkFailure("400", parsed, 400);

  const failure = state.qrFailures.get(parsed.billNumber);
  if (failure) {
    if (failure.remaining !== undefined && --failure.remaining <= 0) state.qrFailures.delete(parsed.billNumber);
    return amkFailure(failure.code, "Sandbox forced failure", failure.httpStatus);
  }

  const existing = state.invoices.get(parsed.invoiceNumber);
  if (existing?.status === "SUCCESS") return amkFailure("409", `Invoice ${parsed.invoiceNumber} is already paid`);

  const createdAtMs = Date.now();
  const expiresAtMs = createdAtMs + QR_LIFETIME_MS;
  let qrString: string;
  try {
    qrString = buildKhqr({
      ...SANDBOX_MERCHANT,
      merchantId: options.merchantId,
      amount: parsed.amount,
      currency: parsed.currency,
      billNumber: parsed.billNumber,
      storeLabel: options.storeId,
      terminalLabel: options.terminalId,
      createdAtMs,
      expiresAtMs,
    });
  } catch (error) {
    if (error instanceof KhqrError) return amkFailure("400", error.message, 400);
    throw error;
  }

  const invoice: IssuedInvoice = { ...parsed, qrString, status: "PENDING", createdAtMs, expiresAtMs, paidAt: null, paidDatetime: null };
  state.invoices.set(parsed.invoiceNumber, invoice);
  return amkSuccess({ qrImage: toBase64(qrPng(qrString)), qrString });
}

/** The request, or why it is not acceptable. */
function parseQrRequest(body: unknown): QrRequest | string {
  if (typeof body !== "object" || body === null) return "body must be a JSON object";
  const { invoiceNumber, billNumber, amount, currency } = body as Record<string, unknown>;
  if (typeof invoiceNumber !== "string" || !/^[0-9A-Za-z-]{1,32}$/.test(invoiceNumber)) {
    return "invoiceNumber must be a string of 1 to 32 letters, digits or dashes";
  }
  if (typeof billNumber !== "string" || billNumber.length === 0) return "billNumber is required";
  if (!isCurrency(currency)) return "currency must be USD or KHR";
  if (typeof amount !== "number") return "amount must be a number";
  const problem = amountProblem(amount, currency);
  if (problem) return `amount ${problem}`;
  return { invoiceNumber, billNumber, amount, currency };
}
