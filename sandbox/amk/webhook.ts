// AMK's KHQR payment webhook to the gateway: POST {gatewayUrl}/AMK/khqr with a short-lived
// bearer token carrying the `payments:confirm` scope (docs/api.md, docs/contracts.md).
import { mintDevToken } from "../dev-token.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { IssuedInvoice } from "./bank-state.ts";

export interface KhqrWebhookBody {
  invoice_number: string;
  status: string;
  merchant_number: string;
  paid_amount: number;
  currency: string;
  paid_datetime: string;
}

export interface WebhookDelivery {
  url: string;
  /** What was sent, so a test can check it or replay it into the worker itself. */
  request: { authorization: string; body: KhqrWebhookBody };
  /** The gateway's answer, or why there was none. */
  response: { status: number; body: unknown } | { error: string };
}

const WEBHOOK_TIMEOUT_MS = 10_000;

export async function sendKhqrWebhook(invoice: IssuedInvoice, options: AmkBankOptions, gatewayUrl: string): Promise<WebhookDelivery> {
  const url = `${gatewayUrl.replace(/\/+$/, "")}/AMK/khqr`;
  const body: KhqrWebhookBody = {
    invoice_number: invoice.invoiceNumber,
    status: invoice.status,
    merchant_number: options.merchantId,
    paid_amount: invoice.amount,
    currency: invoice.currency,
    paid_datetime: invoice.paidDatetime ?? "",
  };
  const authorization = `Bearer ${await webhookToken(options)}`;
  const request = { authorization, body };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const text = await response.text();
    return { url, request, response: { status: response.status, body: parseMaybeJson(text) } };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return { url, request, response: { error: `${error instanceof Error ? error.message : String(error)}${cause}` } };
  }
}

function webhookToken(options: AmkBankOptions): Promise<string> {
  return mintDevToken({
    secret: options.jwtSecret,
    issuer: options.jwtIssuer,
    audience: options.jwtAudience,
    subject: "amk-bank",
    scopes: ["payments:confirm"],
    expiresIn: 5 * 60,
  });
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
