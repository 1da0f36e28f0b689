// AMK payment-verify (external-contracts §5): the webhook is only a hint, this is the truth.
// The one module that knows AMK's verify format and codes; it maps every answer to our vocabulary.
import * as v from "valibot";
import { paymentVerifyHash } from "../../../shared/amk/payment-verify-hash.ts";
import { PaymentError } from "../../../shared/errors.ts";
import { amountProblem, CURRENCIES, toMoney, type Money } from "../../../shared/money.ts";
import { fetchUpstream } from "../../../shared/upstream.ts";
import type { AmkVerifySettings } from "./config.ts";

export interface VerifiedPayment {
  txId: string;
  money: Money;
  /** AMK's own record of the payment time, as it sent it. */
  paidAt?: string;
}

export interface PaymentVerifier {
  /** The payment AMK holds as SUCCESS for `txId`; throws a PaymentError for anything else. */
  verify(txId: string): Promise<VerifiedPayment>;
}

const VerifyReply = v.object({
  code: v.string(),
  message: v.optional(v.string()),
  data: v.optional(
    v.object({
      txId: v.optional(v.string()),
      status: v.string(),
      amount: v.number(),
      currency: v.picklist(CURRENCIES),
      paidAt: v.optional(v.nullable(v.string())),
    }),
  ),
});

export class AmkPaymentVerifier implements PaymentVerifier {
  constructor(
    private readonly settings: AmkVerifySettings,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(txId: string): Promise<VerifiedPayment> {
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
    const parsed = v.safeParse(VerifyReply, await response.json().catch(() => undefined));
    if (!parsed.success) throw amkUnknown(`unreadable verify reply (HTTP ${response.status})`);
    return interpret(txId, parsed.output);
  }
}

function interpret(txId: string, reply: v.InferOutput<typeof VerifyReply>): VerifiedPayment {
  switch (reply.code) {
    case "000": {
      const data = reply.data;
      if (!data) throw amkUnknown("code 000 without data");
      if (data.status !== "SUCCESS") {
        throw new PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment", {
          details: `AMK reports the transaction as ${data.status}`,
        });
      }
      if (amountProblem(data.amount, data.currency)) throw amkUnknown(`amount ${data.amount} ${data.currency} is not a valid amount`);
      return { txId, money: toMoney(data.amount, data.currency), paidAt: data.paidAt ?? undefined };
    }
    case "404":
      throw new PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment", { details: "AMK does not know this transaction" });
    case "403":
      throw new PaymentError("MERCHANT_NOT_BIND", "The merchant account is not bound at AMK", { reason: "AMK verify answered 403" });
    default:
      throw amkUnknown(`AMK verify answered code ${reply.code}`);
  }
}

function amkUnknown(reason: string): PaymentError {
  return new PaymentError("AMK_UNKNOWN_ERROR", "AMK answered unexpectedly", { reason });
}
