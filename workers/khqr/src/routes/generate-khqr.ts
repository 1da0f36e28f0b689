// GET /khqr?bankCode=...&billNumber=... — a KHQR code for the premium due on a policy.
import type { Hono } from "hono";
import * as v from "valibot";
import { amkUnknown } from "../../../../shared/amk/amk-errors.ts";
import { clientAuth } from "../../../../shared/http/client-auth.ts";
import { parseInput } from "../../../../shared/http/request-input.ts";
import { checkIssuedKhqr } from "../../../../shared/khqr/issued-khqr.ts";
import { toMoney } from "../../../../shared/money.ts";
import { AmkPartnerApi } from "../amk-partner-api.ts";
import { bankFor } from "../banks.ts";
import type { KhqrEnv } from "../khqr-env.ts";
import { PremiumDesk } from "../premium-desk.ts";

export const GenerateKhqrQuery = v.object({
  billNumber: v.pipe(
    v.string("billNumber is required"),
    v.nonEmpty("billNumber is required"),
    v.regex(/^[A-Za-z0-9]{1,10}$/, "billNumber must be 1-10 letters or digits"),
  ),
});

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
      const bank = bankFor(c.req.query("bankCode"));
      const desk = new PremiumDesk(c.env.GATEWAY);
      const premium = await desk.inquire(billNumber);
      const invoiceNumber = String(premium.id);
      const qr = await new AmkPartnerApi(c.get("config").amk, c.env.AMK_SESSION).generateQr({
        invoiceNumber,
        billNumber: premium.policyNumber,
        amount: premium.amount,
        currency: premium.currency,
      });
      const check = checkIssuedKhqr(qr.qrString, { money: toMoney(premium.amount, premium.currency), billNumber: premium.policyNumber });
      if (!check.ok) throw amkUnknown(`qr/generator returned a KHQR that does not match the premium: ${check.problem}`);
      const expiresAt = check.expiresAt;
      await desk.recordIssued({ invoiceNumber, premium, bankCode: bank.code, qrString: qr.qrString, expiresAt });
      c.set("logFields", { paymentId: premium.id, bankCode: bank.code });
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
