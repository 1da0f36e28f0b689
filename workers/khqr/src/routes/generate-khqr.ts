// GET /khqr?bankCode=...&billNumber=... — a KHQR code for the premium due on a policy.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/platform/http/client-auth.ts";
import { timedWork } from "#shared/platform/http/step-timings.ts";
import { qrPngBase64 } from "#shared/khqr/qr-png.ts";
import { parseInput } from "#shared/platform/http/request-input.ts";
import { amountSchema, currencySchema, successSchema } from "#shared/platform/http/openapi/response-schemas.ts";
import type { RouteDoc } from "#shared/platform/http/openapi/route-doc.ts";
import { issueKhqrFor } from "../khqr-issuer.ts";
import type { KhqrEnv } from "../khqr-env.ts";

export const BillNumber = v.pipe(
  v.string("billNumber is required"),
  v.nonEmpty("billNumber is required"),
  v.regex(/^[A-Za-z0-9]{1,10}$/, "billNumber must be 1-10 letters or digits"),
);

export const GenerateKhqrQuery = v.object({ billNumber: BillNumber });

/** The spec's GenerateKhqrResDto, plus what helps an app: the KHQR text and its expiry. */
export interface GenerateKhqrResponse {
  success: true;
  data: {
    paymentId: number;
    policyId: string;
    customerName: string;
    amount: number;
    currency: string;
    qrCode: string;
    qrString: string;
    expiresAt: string;
  };
}

export const generateKhqrResponseSchema = () =>
  successSchema(
    v.object({
      paymentId: v.number(),
      policyId: v.string(),
      customerName: v.string(),
      amount: amountSchema(),
      currency: currencySchema(),
      qrCode: v.pipe(
        v.string(),
        v.description("The QR as a Base64 PNG, drawn by this worker from `qrString` (AMK's image is not passed on)"),
      ),
      qrString: v.pipe(v.string(), v.description("The KHQR text, as AMK generated it and this worker checked it")),
      expiresAt: v.pipe(v.string(), v.description("The QR's expiry (ISO 8601); a QR without one is refused")),
    }),
  );

/** What issuing a QR can answer, here and wherever a QR is issued the same way (POST /khqr/checkout). */
export const QR_ISSUANCE_ERRORS: RouteDoc["errors"] = [
  "BAD_REQUEST",
  "RESOURCE_NOT_FOUND",
  "BANK_NOT_FOUND",
  "DUPLICATE_TRANSACTION",
  "MERCHANT_NOT_BIND",
  "AMK_UNKNOWN_ERROR",
  "SERVER_UNAVAILABLE",
];

/** This route in the API reference (openapi-document.ts). A function: the worker serves the generated document, and its bundle drops what it never calls. */
export function generateKhqrDoc(): RouteDoc {
  return {
    method: "get",
    path: "/khqr",
    operationId: "generateKhqr",
    tag: "KHQR",
    summary: "A KHQR code for the premium due on a policy",
    description:
      "The worker asks the gateway for the premium, asks AMK for the QR, checks AMK's KHQR string against the premium before showing it, and draws the PNG from that checked string itself. Issuing a QR publishes `khqr.generated-event`. While the premium's QR is open and has at least 2 minutes left, that same QR is answered again, at that QR's amount even if the premium was re-priced meanwhile (no second QR under the invoice). Simultaneous requests for one premium share one QR: AMK mints it once. A premium already paid is 404; 409 while a re-priced premium's earlier QR is in its last minutes (Retry-After: until it expires), or when another request's QR for the premium is still being minted after 8 s (Retry-After: 1).",
    scope: "khqr:generate",
    rateLimit: "app",
    // bankCode is read by issueKhqr (shared/khqr/banks.ts), not by GenerateKhqrQuery: described here.
    query: v.object({
      bankCode: v.pipe(
        v.string(),
        v.description(
          'The plain code `AMK` or the JSON object `{"id":"AMK","bank":"AMK"}`, URL-encoded. Malformed: 400; unknown bank: 404 `BANK_NOT_FOUND`; no merchant bound at that bank: 422 `MERCHANT_NOT_BIND`.',
        ),
      ),
      ...GenerateKhqrQuery.entries,
    }),
    success: {
      status: 200,
      description: "The QR issued for the premium",
      schema: generateKhqrResponseSchema(),
      example: {
        success: true,
        data: {
          paymentId: 150001,
          policyId: "P123456789",
          customerName: "John Doe",
          amount: 150.0,
          currency: "USD",
          qrCode: "iVBORw0KGgo...",
          qrString: "000201010212...6304ABCD",
          expiresAt: "2025-10-07T05:15:00.000Z",
        },
      },
    },
    errors: QR_ISSUANCE_ERRORS,
  };
}

export function registerGenerateKhqr(app: Hono<KhqrEnv>): void {
  app.get(
    "/khqr",
    clientAuth<KhqrEnv>("khqr:generate", (env) => env.CLIENT_RATE_LIMIT),
    async (c) => {
      const { billNumber } = parseInput(GenerateKhqrQuery, { billNumber: c.req.query("billNumber") });
      const { premium, bankCode, qrString, expiresAt } = await issueKhqrFor(c, { bankCode: c.req.query("bankCode"), billNumber });
      c.set("logFields", { paymentId: premium.id, bankCode });
      // Drawn from the string issueKhqr checked, so it shows exactly what was checked.
      const qrCode = timedWork(c.env.MEASURED_STEPS, "cpu.qr-png", () => qrPngBase64(qrString));
      return c.json({
        success: true,
        data: {
          paymentId: premium.id,
          policyId: premium.policyNumber,
          customerName: premium.payer,
          amount: premium.amount,
          currency: premium.currency,
          qrCode,
          qrString,
          expiresAt,
        },
      } satisfies GenerateKhqrResponse);
    },
  );
}
