// GET /khqr?bankCode=...&billNumber=... — a KHQR code for the premium due on a policy.
import type { Hono } from "hono";
import * as v from "valibot";
import { clientAuth } from "#shared/http/client-auth.ts";
import { parseInput } from "#shared/http/request-input.ts";
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
    expiresAt?: string;
  };
}

export function registerGenerateKhqr(app: Hono<KhqrEnv>): void {
  app.get(
    "/khqr",
    clientAuth<KhqrEnv>("khqr:generate", (env) => env.CLIENT_RATE_LIMIT),
    async (c) => {
      const { billNumber } = parseInput(GenerateKhqrQuery, { billNumber: c.req.query("billNumber") });
      const { premium, bankCode, qr, expiresAt } = await issueKhqrFor(c, { bankCode: c.req.query("bankCode"), billNumber });
      c.set("logFields", { paymentId: premium.id, bankCode });
      return c.json({
        success: true,
        data: {
          paymentId: premium.id,
          policyId: premium.policyNumber,
          customerName: premium.payer,
          amount: premium.amount,
          currency: premium.currency,
          qrCode: qr.qrImage,
          qrString: qr.qrString,
          expiresAt,
        },
      } satisfies GenerateKhqrResponse);
    },
  );
}
