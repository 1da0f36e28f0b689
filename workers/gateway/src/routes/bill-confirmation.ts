// POST /AMK/payments — AMK confirms a bill payment (the spec's AmkPaymentConfirmationReqDto).
import type { Hono } from "hono";
import * as v from "valibot";
import { isInTheFuture, parsePaidDate } from "#shared/amk/bank-time.ts";
import { PaymentError } from "#shared/payments/errors.ts";
import { bankAnswer } from "#shared/platform/http/bank-answer.ts";
import { bankClientOnly } from "#shared/platform/http/bank-client.ts";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { limitBody, readJsonBody } from "#shared/platform/http/request-input.ts";
import { successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { amountProblem, CURRENCIES } from "#shared/payments/money.ts";
import { billConfirmationOf, receiveBillConfirmation, type BillConfirmationResult } from "#shared/payments/confirm-bill-payment.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { bankRateLimiter } from "../services.ts";

/** Control characters (NUL...) and bidi overrides would reach the ledger, Kafka and receipts as they are. */
const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export const BillConfirmationBody = v.pipe(
  v.object({
    id: v.pipe(v.number("id must be a number"), v.safeInteger("id must be an integer"), v.minValue(1, "id must be positive")),
    policyNumber: v.pipe(
      v.string("policyNumber is required"),
      v.regex(/^[A-Za-z0-9]{9,10}$/, "policyNumber must be 9-10 letters or digits"),
    ),
    amount: v.number("amount must be a number"),
    currency: v.picklist(CURRENCIES, "currency must be USD or KHR"),
    bankTransactionId: v.pipe(
      v.string("bankTransactionId is required"),
      v.regex(/^[A-Za-z0-9._:\-]{1,64}$/, "bankTransactionId must be 1-64 letters, digits or . _ : -"),
    ),
    payer: v.pipe(
      v.string("payer is required"),
      v.trim(),
      v.nonEmpty("payer is required"),
      v.maxLength(200, "payer must be at most 200 characters"),
      v.check((name) => !UNSAFE_TEXT.test(name), "payer must not contain control or bidirectional-override characters"),
    ),
    paidDate: v.pipe(
      v.string("paidDate is required"),
      v.check((t) => parsePaidDate(t) !== null, "paidDate must be a real yyyyMMddHHmmss time (GMT+7)"),
    ),
  }),
  v.forward(
    v.partialCheck(
      [["amount"], ["currency"]],
      (b) => amountProblem(b.amount, b.currency) === null,
      "amount must be positive, with at most 2 decimals for USD and none for KHR",
    ),
    ["amount"],
  ),
);

/** The success body (replays carry the first answer as it was sent). */
export interface BillConfirmationResponse {
  success: true;
  data: BillConfirmationResult;
}

export const billConfirmationResponseSchema = () =>
  successSchema(
    v.object({ transactionId: v.string(), paymentReferenceId: v.string(), status: v.literal("CONFIRMED"), message: v.string() }),
  );

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function billConfirmationDoc(): RouteDoc {
  return {
    method: "post",
    path: "/AMK/payments",
    operationId: "confirmBillPayment",
    tag: "Bank",
    summary: "AMK confirms a bill payment",
    description:
      "Idempotent on `bankTransactionId`: the same body again gets the same answer with `Idempotent-Replayed: true`; another body under the same id, a request still in flight, or a second payment of a premium already paid is 409. `paidDate` is `yyyyMMddHHmmss` in GMT+7, a real time, not more than 5 minutes ahead; `amount` and `currency` must equal the premium's (USD with at most 2 decimals, KHR whole). Only the bank's client (`AMK_CLIENT_SUBJECTS`, pinned certificate) may call it.",
    scope: "payments:confirm",
    rateLimit: "bank",
    body: {
      schema: BillConfirmationBody,
      example: {
        id: 150001,
        policyNumber: "P123456789",
        amount: 150.0,
        currency: "USD",
        bankTransactionId: "AMK202510070001",
        payer: "John Doe",
        paidDate: "20251007120000",
      },
    },
    success: {
      status: 200,
      description: "The payment is recorded (or this is the replay of its first answer)",
      schema: billConfirmationResponseSchema(),
      headers: { "idempotent-replayed": "`true` when this is the kept answer of an earlier identical request" },
      example: {
        success: true,
        data: {
          transactionId: "AMK202510070001",
          paymentReferenceId: "150001",
          status: "CONFIRMED",
          message: "Payment successfully processed",
        },
      },
    },
    errors: ["BAD_REQUEST", "RESOURCE_NOT_FOUND", "DUPLICATE_TRANSACTION", "PAYMENT_VERIFICATION_DATA_MISMATCHED", "SERVER_UNAVAILABLE"],
  };
}

export function registerBillConfirmation(app: Hono<GatewayEnv>): void {
  app.post(
    "/AMK/payments",
    clientAuth<GatewayEnv>("payments:confirm", bankRateLimiter),
    bankClientOnly<GatewayEnv>((config) => config.bankClients),
    limitBody,
    async (c) => {
      const body = await readJsonBody(c, BillConfirmationBody);
      const paidAt = parsePaidDate(body.paidDate) as string;
      if (isInTheFuture(paidAt, Date.now())) {
        throw new PaymentError("BAD_REQUEST", "Invalid request parameters", { details: "paidDate: must not be in the future" });
      }
      const deps = c.var.services;
      const confirmation = billConfirmationOf(body, paidAt);
      const answered = await receiveBillConfirmation(deps, confirmation, { input: body, requestId: c.get("requestId") });
      c.set("logFields", { paymentId: body.id, bankTransactionId: body.bankTransactionId, replayed: answered.replayed });
      return bankAnswer(c, answered, deps.deliver);
    },
  );
}
