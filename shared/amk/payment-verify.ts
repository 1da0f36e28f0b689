// AMK payment-verify (docs/contracts.md): the webhook is only a hint, this is the truth.
// The one module that knows AMK's verify format and codes; it maps every answer to our vocabulary.
import * as v from "valibot";
import { paymentVerifyHash } from "#shared/amk/verify-hash.ts";
import { amkUnknown } from "#shared/amk/errors.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { amountProblem, isCurrency, toMoney } from "#shared/payments/money.ts";
import type { PaymentVerifier, Verification, VerifiedPayment } from "#shared/payments/ports.ts";
import { fetchUpstream } from "#shared/platform/upstream.ts";

const VerifyReply = v.object({
  code: v.string(),
  message: v.nullish(v.string()),
  data: v.nullish(
    v.object({
      txId: v.nullish(v.string()),
      status: v.string(),
      amount: v.nullish(v.number()),
      currency: v.nullish(v.string()),
      paidAt: v.nullish(v.string()),
    }),
  ),
});

/** How the gateway reaches AMK's payment-verify (config.ts reads them from the environment). */
export interface AmkVerifySettings {
  verifyUrl: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  secretKey: string;
  timeoutMs: number;
}

export class AmkPaymentVerifier implements PaymentVerifier {
  constructor(
    private readonly settings: AmkVerifySettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Each call is timed here, where it is made: the duration travels in the Verification to the
   * receipt of the report it answered, and into one log line (`"upstream":"amk-payment-verify"`)
   * that a Workers Observability alert counts.
   */
  async verify(txId: string): Promise<Verification> {
    const started = Date.now();
    let verification: Verification;
    try {
      verification = await this.ask(txId);
    } catch (error) {
      // Unreachable, timed out, 5xx, circuit open: SERVER_UNAVAILABLE, with no reply to keep.
      if (!(error instanceof PaymentError)) throw error;
      verification = { refusal: error };
    }
    const durationMs = Date.now() - started;
    const outcome = "refusal" in verification ? verification.refusal.code : "ok";
    // Failed: AMK gave no usable answer (unreachable, timed out, 5xx, circuit open, unreadable).
    const ok = !("refusal" in verification) || (outcome !== "AMK_UNKNOWN_ERROR" && verification.refusal.status < 500);
    console.log(JSON.stringify({ service: "gateway", upstream: "amk-payment-verify", ok, outcome, durationMs }));
    return { ...verification, durationMs };
  }

  private async ask(txId: string): Promise<Verification> {
    const fields = {
      merchantId: this.settings.merchantId,
      storeId: this.settings.storeId,
      terminalId: this.settings.terminalId,
      txId,
      timestamp: String(this.now()),
    };
    const form = new URLSearchParams({ ...fields, hash: await paymentVerifyHash(this.settings.secretKey, fields) });
    const response = await fetchUpstream({ upstream: "AMK payment-verify", timeoutMs: this.settings.timeoutMs }, this.settings.verifyUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
    });
    const text = await response.text().catch(() => "");
    // Kept with the webhook it answered; bounded, since AMK's body is not ours to size.
    const reply = `HTTP ${response.status} ${text.slice(0, 2_000)}`;
    const parsed = v.safeParse(VerifyReply, parseJson(text));
    try {
      if (!parsed.success) throw amkUnknown(`unreadable verify reply (HTTP ${response.status})`);
      return { reply, verified: interpret(txId, parsed.output) };
    } catch (error) {
      if (error instanceof PaymentError) return { reply, refusal: error };
      throw error;
    }
  }
}

function interpret(txId: string, reply: v.InferOutput<typeof VerifyReply>): VerifiedPayment {
  switch (reply.code) {
    case "000":
      return verifiedPayment(txId, reply.data);
    case "404":
      throw notConfirmed("AMK does not know this transaction");
    case "403":
      throw new PaymentError("MERCHANT_NOT_BIND", "The merchant account is not bound at AMK", { reason: "AMK verify answered 403" });
    default:
      throw amkUnknown(`AMK verify answered code ${reply.code}`);
  }
}

function verifiedPayment(txId: string, data: v.InferOutput<typeof VerifyReply>["data"]): VerifiedPayment {
  if (!data) throw amkUnknown("code 000 without data");
  if (data.txId && data.txId !== txId) throw amkUnknown(`verify answered for txId ${data.txId}, asked ${txId}`);
  if (data.status === "PENDING" || data.status === "FAILED") throw notConfirmed(`AMK reports the transaction as ${data.status}`);
  if (data.status !== "SUCCESS") throw amkUnknown(`verify answered status ${data.status}`);
  if (typeof data.amount !== "number" || !isCurrency(data.currency) || amountProblem(data.amount, data.currency)) {
    throw amkUnknown(`SUCCESS without a valid amount (${data.amount} ${data.currency})`);
  }
  return { txId, money: toMoney(data.amount, data.currency), paidAt: data.paidAt ?? undefined };
}

function notConfirmed(details: string): PaymentError {
  return new PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment", { details });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
