// POST /AMK/khqr — AMK's webhook for a KHQR payment (the spec's AmkKhqrConfirmationReqDto).
// Order of judgement (docs/api.md): auth, scope, input, merchant binding, idempotency,
// then the business checks and AMK's own verification.
import type { Hono } from "hono";
import * as v from "valibot";
import { isInTheFuture, parseKhqrDatetime } from "#shared/amk/bank-time.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { bankAnswer } from "#shared/platform/http/bank-answer.ts";
import { bankClientOnly } from "#shared/platform/http/bank-client.ts";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { limitBody, readJsonBody } from "#shared/platform/http/request-input.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { amountProblem, CURRENCIES } from "#shared/payments/money.ts";
import { receiveKhqrReport, webhookReport, type KhqrConfirmationResult } from "#shared/payments/khqr-payment.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { bankRateLimiter } from "../services.ts";

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

export const khqrWebhookResponseSchema = () =>
  successSchema(v.object({ transactionId: v.string(), status: v.string(), message: v.string() }));

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function khqrWebhookDoc(): RouteDoc {
  return {
    method: "post",
    path: "/AMK/khqr",
    operationId: "receiveKhqrWebhook",
    tag: "Bank",
    summary: "AMK's webhook for a KHQR payment",
    description:
      "A `SUCCESS` report is believed only after AMK's payment-verify confirms the same payment; any other `status` is acknowledged with 200, `data.status` echoing it, and changes nothing. `merchant_number` must be the configured `AMK_MERCHANT_ID` (else 422 `MERCHANT_NOT_BIND`); `paid_datetime` is `yyyy-MM-dd HH:mm:ss.SSSSSS`, Asia/Bangkok time; `paid_amount` is positive and valid for the currency. Idempotent on the invoice with its content. Only the bank's client may call it.",
    scope: "payments:confirm",
    rateLimit: "bank",
    body: {
      schema: KhqrWebhookBody,
      example: {
        invoice_number: "150001",
        status: "SUCCESS",
        merchant_number: "900000000290002",
        paid_amount: 150.0,
        currency: "USD",
        paid_datetime: "2025-10-07 12:00:00.123456",
      },
    },
    success: {
      status: 200,
      description: "The payment is verified and recorded, or a report that is not a success is acknowledged",
      schema: khqrWebhookResponseSchema(),
      headers: { "idempotent-replayed": "`true` when this is the kept answer of an earlier identical report" },
      example: {
        success: true,
        data: { transactionId: "AMK_KHQR_150001", status: "CONFIRMED", message: "KHQR payment successfully processed" },
      },
    },
    errors: [
      "BAD_REQUEST",
      "RESOURCE_NOT_FOUND",
      "DUPLICATE_TRANSACTION",
      "PAYMENT_VERIFICATION_DATA_MISMATCHED",
      "TRANSACTION_VERIFY_FAILED",
      "MERCHANT_NOT_BIND",
      "AMK_UNKNOWN_ERROR",
      "SERVER_UNAVAILABLE",
    ],
  };
}

export function registerKhqrWebhook(app: Hono<GatewayEnv>): void {
  app.post(
    "/AMK/khqr",
    clientAuth<GatewayEnv>("payments:confirm", bankRateLimiter),
    bankClientOnly<GatewayEnv>((config) => config.bankClients),
    limitBody,
    async (c) => {
      const body = await readJsonBody(c, KhqrWebhookBody);
      const paidAt = parseKhqrDatetime(body.paid_datetime) as string;
      if (isInTheFuture(paidAt, Date.now())) {
        throw new PaymentError("BAD_REQUEST", "Invalid request parameters", { details: "paid_datetime: must not be in the future" });
      }
      const deps = c.var.services;
      const { report, receipt } = webhookReport(body, paidAt);
      const answered = await receiveKhqrReport(deps, report, { input: body, requestId: c.get("requestId"), receipt });
      c.set("logFields", { invoiceNumber: body.invoice_number, replayed: answered.replayed });
      return bankAnswer(c, answered, deps.deliver);
    },
  );
}
