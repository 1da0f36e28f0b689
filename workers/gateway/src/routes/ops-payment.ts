// GET /ops/payments/{paymentId} — everything recorded for one premium: the premium served, its
// payment, the QR issued, every KHQR report with AMK's verify reply, exceptions, and its events with
// their delivery state (scope payments:operate).
import type { Hono } from "hono";
import * as v from "valibot";
import { PaymentError } from "#shared/payments/errors.ts";
import { parseInput } from "#shared/platform/http/request-input.ts";
import { amountSchema, currencySchema, successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { toAmount, type Money } from "#shared/payments/money.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { newNonce, operatorPageHeaders, wantsHtml } from "../dashboard/page-shell.ts";
import { renderPaymentPage } from "../dashboard/payment-page.ts";
import { formToken } from "../operators/form-token.ts";
import { operatorAuth } from "../operators/operator-auth.ts";
import { outboxEventViewSchema, withTopics } from "./ops-events.ts";
import { exceptionView, paymentExceptionViewSchema } from "./ops-exceptions.ts";

export const OpsPaymentParams = v.object({
  paymentId: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,14}$/, "paymentId must be a payment id (digits)"), v.transform(Number)),
});

export function paymentHistorySchema() {
  const money = { amount: amountSchema(), currency: currencySchema() };
  return v.object({
    paymentId: v.number(),
    premium: v.nullable(v.object({ id: v.number(), policyNumber: v.string(), payer: v.string(), dueDate: v.string(), ...money })),
    payment: v.nullable(
      v.object({
        paymentId: v.number(),
        policyNumber: v.string(),
        channel: v.picklist(["BILL", "KHQR"]),
        transactionId: v.string(),
        payer: v.optional(v.string()),
        paidAt: v.string(),
        confirmedAt: v.string(),
        ...money,
      }),
    ),
    issuance: v.nullable(
      v.object({
        invoiceNumber: v.string(),
        paymentId: v.number(),
        policyNumber: v.string(),
        bankCode: v.string(),
        qrString: v.string(),
        issuedAt: v.string(),
        expiresAt: v.optional(v.string()),
        ...money,
      }),
    ),
    receipts: v.array(
      v.object({
        source: v.picklist(["WEBHOOK", "RECONCILIATION"]),
        invoiceNumber: v.string(),
        status: v.string(),
        merchantNumber: v.string(),
        paidAmount: v.number(),
        currency: v.string(),
        paidDatetime: v.string(),
        outcome: v.string(),
        requestId: v.string(),
        verifyReply: v.optional(v.string()),
        verifyMs: v.optional(v.pipe(v.number(), v.description("How long AMK's payment-verify took for this report, in ms"))),
        receivedAt: v.string(),
      }),
    ),
    exceptions: v.array(paymentExceptionViewSchema()),
    events: v.array(outboxEventViewSchema()),
  });
}

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function opsPaymentDoc(): RouteDoc {
  return {
    method: "get",
    path: "/ops/payments/{paymentId}",
    operationId: "getPaymentHistory",
    tag: "Operations",
    summary: "Everything recorded for one premium",
    description:
      "The premium served, its payment, the QR issued, every KHQR report with AMK's verify reply, exceptions, and its events with their delivery state. Nothing recorded under this payment id: 404. A browser (`Accept` naming `text/html` before any JSON) gets the same as an HTML page, with a form per open exception that posts to `/ops/exceptions/{exceptionId}/resolve`.",
    scope: "payments:operate",
    rateLimit: "app",
    params: OpsPaymentParams,
    success: {
      status: 200,
      description: "The premium's recorded history",
      schema: successSchema(paymentHistorySchema()),
      alternative: {
        contentType: "text/html",
        schema: v.string(),
        description: "The same history as a page for a browser (asked for by Accept), with a resolution form per open exception",
      },
      example: {
        success: true,
        data: {
          paymentId: 150001,
          premium: { id: 150001, policyNumber: "P123456789", payer: "John Doe", dueDate: "2025-11-15", amount: 150.0, currency: "USD" },
          payment: {
            paymentId: 150001,
            policyNumber: "P123456789",
            channel: "BILL",
            transactionId: "AMK202510070001",
            payer: "John Doe",
            paidAt: "2025-10-07T05:00:00.000Z",
            confirmedAt: "2025-10-07T05:00:01.000Z",
            amount: 150.0,
            currency: "USD",
          },
          issuance: null,
          receipts: [],
          exceptions: [],
          events: [],
        },
      },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "SERVER_UNAVAILABLE"],
  };
}

export function registerOpsPayment(app: Hono<GatewayEnv>): void {
  app.get("/ops/payments/:paymentId", operatorAuth(), async (c) => {
    const { paymentId } = parseInput(OpsPaymentParams, { paymentId: c.req.param("paymentId") });
    const history = await c.var.services.records.history(paymentId);
    const { premium, payment, issuance, exceptions } = history;
    if (!premium && !payment && !issuance && history.receipts.length === 0 && exceptions.length === 0) {
      throw new PaymentError("RESOURCE_NOT_FOUND", "Nothing is recorded for this payment id", { details: `paymentId: ${paymentId}` });
    }
    const data = {
      paymentId,
      premium: premium && { ...withoutMoney(premium), ...amountOf(premium.money) },
      payment: payment && { ...withoutMoney(payment), ...amountOf(payment.money) },
      issuance: issuance && { ...withoutMoney(issuance), ...amountOf(issuance.money) },
      receipts: history.receipts,
      exceptions: exceptions.map(exceptionView),
      events: withTopics(history.events, c.get("config").kafka.topicPrefix),
    };
    c.header("vary", "accept");
    if (!wantsHtml(c.req.header("accept"))) return c.json({ success: true, data });
    const nonce = newNonce();
    const context = { nonce, formToken: await formToken(c), environment: c.get("config").environment, operator: c.get("client")!.id };
    return c.body(renderPaymentPage(data, context), 200, operatorPageHeaders(nonce, { forms: true }));
  });
}

const amountOf = (money: Money) => ({ amount: toAmount(money), currency: money.currency });

function withoutMoney<T extends { money: Money }>({ money: _money, ...rest }: T): Omit<T, "money"> {
  return rest;
}
