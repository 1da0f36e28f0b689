// POST /AMK/khqr — AMK's webhook for a KHQR payment (the spec's AmkKhqrConfirmationReqDto).
// Order of judgement (external-contracts §3): auth, scope, input, merchant binding, idempotency,
// then the business checks and AMK's own verification.
import type { Hono } from "hono";
import * as v from "valibot";
import { parseKhqrDatetime } from "../../../../shared/bank-time.ts";
import { PaymentError, toPaymentError } from "../../../../shared/errors.ts";
import { clientAuth } from "../../../../shared/http/client-auth.ts";
import { limitBody, readJsonBody } from "../../../../shared/http/request-input.ts";
import { amountProblem, CURRENCIES, toMoney } from "../../../../shared/money.ts";
import { AmkPaymentVerifier } from "../amk-payment-verifier.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { gatewayServices } from "../gateway-services.ts";
import { answerIdempotently } from "./idempotent-answer.ts";
import {
  acknowledgeUnsuccessful,
  confirmKhqrPayment,
  issuedPremium,
  type KhqrConfirmationResult,
  type KhqrWebhook,
} from "../khqr-payment.ts";
import { rateLimiter } from "./rate-limiter.ts";

export const KhqrWebhookBody = v.pipe(
  v.object({
    invoice_number: v.pipe(
      v.string("invoice_number is required"),
      v.regex(/^[1-9][0-9]{0,14}$/, "invoice_number must be a payment id (up to 15 digits)"),
    ),
    status: v.pipe(v.string("status is required"), v.regex(/^[A-Z_]{1,32}$/, "status must be an upper-case word such as SUCCESS")),
    merchant_number: v.pipe(
      v.string("merchant_number is required"),
      v.regex(/^[0-9A-Za-z]{1,32}$/, "merchant_number must be 1-32 letters or digits"),
    ),
    paid_amount: v.number("paid_amount must be a number"),
    currency: v.picklist(CURRENCIES, "currency must be USD or KHR"),
    paid_datetime: v.pipe(
      v.string("paid_datetime is required"),
      v.check((t) => parseKhqrDatetime(t) !== null, "paid_datetime must be a real yyyy-MM-dd HH:mm:ss.SSSSSS time (Asia/Bangkok)"),
    ),
  }),
  v.forward(
    v.partialCheck(
      [["paid_amount"], ["currency"]],
      (b) => amountProblem(b.paid_amount, b.currency) === null,
      "paid_amount must be positive, with at most 2 decimals for USD and none for KHR",
    ),
    ["paid_amount"],
  ),
);

export interface KhqrWebhookResponse {
  success: true;
  data: KhqrConfirmationResult;
}

export function registerKhqrWebhook(app: Hono<GatewayEnv>): void {
  app.post("/AMK/khqr", clientAuth("payments:confirm", rateLimiter), limitBody, async (c) => {
    const body = await readJsonBody(c, KhqrWebhookBody);
    const config = c.get("config");
    const services = gatewayServices(c.env, config);
    const now = new Date();
    const webhook: KhqrWebhook = {
      invoiceNumber: body.invoice_number,
      status: body.status,
      money: toMoney(body.paid_amount, body.currency),
      paidAt: parseKhqrDatetime(body.paid_datetime) as string,
    };
    const receipt = {
      invoiceNumber: body.invoice_number,
      status: body.status,
      merchantNumber: body.merchant_number,
      paidAmount: body.paid_amount,
      currency: body.currency,
      paidDatetime: body.paid_datetime,
      requestId: c.get("requestId"),
    };
    // The audit trail must never turn an answer into an error; a failed write is logged.
    const audit = (outcome: string) =>
      services.webhookAudit
        .record({ ...receipt, outcome }, now)
        .catch((error) => console.log(JSON.stringify({ service: "gateway", audit: "webhook-receipt-failed", reason: String(error) })));

    try {
      if (body.merchant_number !== config.amk.merchantId) {
        throw new PaymentError("MERCHANT_NOT_BIND", "The merchant number is not bound to this service", {
          details: `merchant_number: ${body.merchant_number}`,
        });
      }
      if (webhook.status !== "SUCCESS") {
        // Nothing changes state, so this needs no idempotency: acknowledge, keep for audit, publish nothing.
        await issuedPremium(services, webhook.invoiceNumber);
        await audit("ACKNOWLEDGED");
        return c.json({ success: true, data: acknowledgeUnsuccessful(webhook) } satisfies KhqrWebhookResponse);
      }
      const verifier = new AmkPaymentVerifier(config.amk);
      const { response, replayed } = await answerIdempotently(c, services, `khqr:${body.invoice_number}`, body, () =>
        confirmKhqrPayment(services, verifier, webhook, now),
      );
      await audit(replayed ? "REPLAYED" : "CONFIRMED");
      c.set("logFields", { invoiceNumber: body.invoice_number, replayed });
      return response;
    } catch (error) {
      await audit(toPaymentError(error).code);
      throw error;
    }
  });
}
