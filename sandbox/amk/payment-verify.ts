// POST /amk/amkpayway/v1/api/payment/payment-verify: what AMK knows about a transaction, after
// the checks AMK makes (merchant binding, then hash and timestamp). Every answer is HTTP 200
// with an AMK code, unless a test forced a bare HTTP status.
import { amkFailure, amkSuccess, forcedReply } from "./amk-reply.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { AmkBankState } from "./bank-state.ts";
import { expectedVerifyHash } from "./verify-hash.ts";

/** How far the request's timestamp may be from the bank's clock, either way. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

const FIELDS = ["merchantId", "storeId", "terminalId", "txId", "timestamp", "hash"] as const;
type VerifyForm = Record<(typeof FIELDS)[number], string>;

export async function paymentVerify(req: Request, state: AmkBankState, options: AmkBankOptions): Promise<Response> {
  const contentType = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!contentType.startsWith("application/x-www-form-urlencoded")) {
    return amkFailure("400", "Content-Type must be application/x-www-form-urlencoded", 400);
  }
  const params = new URLSearchParams(await req.text());
  const missing = FIELDS.filter((name) => !params.get(name));
  if (missing.length > 0) return amkFailure("400", `missing fields: ${missing.join(", ")}`, 400);
  const form = Object.fromEntries(FIELDS.map((name) => [name, params.get(name)!])) as VerifyForm;

  state.verifications.set(form.txId, (state.verifications.get(form.txId) ?? 0) + 1);

  if (form.merchantId !== options.merchantId || form.storeId !== options.storeId || form.terminalId !== options.terminalId) {
    return amkFailure("403", "Merchant is not bound to this store and terminal");
  }
  const expected = await expectedVerifyHash(options.secretKey, form);
  if (form.hash !== expected) return amkFailure("401", "Invalid hash");
  const timestamp = Number(form.timestamp);
  if (!/^\d{13}$/.test(form.timestamp) || Math.abs(Date.now() - timestamp) > TIMESTAMP_TOLERANCE_MS) {
    return amkFailure("401", "Timestamp is missing, malformed or outside 5 minutes of the bank's clock");
  }

  // Forced replies and seeded values stand for what the bank knows; they come after the checks,
  // so a caller with a wrong hash still sees 401 rather than the scenario it set up.
  const forced = state.forcedVerifyReplies.get(form.txId);
  if (forced) return forcedReply(forced);
  const known = state.seededTransactions.get(form.txId) ?? state.invoices.get(form.txId);
  if (!known) return amkFailure("404", `Transaction ${form.txId} not found`);
  return amkSuccess({ txId: form.txId, status: known.status, amount: known.amount, currency: known.currency, paidAt: known.paidAt });
}
