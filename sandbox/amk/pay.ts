// POST /__sandbox/amk/pay: a customer pays an issued QR at the sandbox bank. The bank records the
// payment, then tells the gateway by webhook, as AMK would. Paying a paid invoice again re-sends
// the same webhook (AMK retrying a delivery).
import { json, readJson } from "../http.ts";
import type { AmkBankOptions } from "./bank-options.ts";
import type { AmkBankState } from "./bank-state.ts";
import { amkDateTime, amkDateTimeMicros } from "./cambodia-time.ts";
import { sendKhqrWebhook } from "./webhook.ts";

export async function pay(req: Request, state: AmkBankState, options: AmkBankOptions): Promise<Response> {
  const body = (await readJson(req)) as { invoiceNumber?: unknown; status?: unknown } | undefined;
  const invoiceNumber = typeof body?.invoiceNumber === "number" ? String(body.invoiceNumber) : body?.invoiceNumber;
  if (typeof invoiceNumber !== "string" || invoiceNumber === "") return json({ error: "invoiceNumber is required" }, 400);
  const status = body?.status ?? "SUCCESS";
  if (status !== "SUCCESS" && status !== "FAILED") return json({ error: 'status must be "SUCCESS" or "FAILED"' }, 400);

  const invoice = state.invoices.get(invoiceNumber);
  if (!invoice) return json({ error: `no QR was issued for invoice ${invoiceNumber}` }, 404);
  const now = Date.now();
  if (invoice.status === "SUCCESS") {
    if (status === "FAILED") return json({ error: `invoice ${invoiceNumber} is already paid`, invoice }, 409);
  } else {
    if (now > invoice.expiresAtMs) return json({ error: `the QR of invoice ${invoiceNumber} expired`, invoice }, 409);
    invoice.status = status;
    invoice.paidAt = amkDateTime(now);
    invoice.paidDatetime = amkDateTimeMicros(now);
  }

  if (!options.gatewayUrl) {
    return json({ error: "payment recorded, but no webhook was sent: the sandbox has no gatewayUrl", invoice }, 502);
  }
  const webhook = await sendKhqrWebhook(invoice, options, options.gatewayUrl);
  if ("error" in webhook.response) {
    return json({ error: `payment recorded, but the webhook to ${webhook.url} failed: ${webhook.response.error}`, invoice, webhook }, 502);
  }
  return json({
    invoice,
    webhook: { url: webhook.url, status: webhook.response.status, body: webhook.response.body, request: webhook.request },
  });
}
