// `npm run pay -- <invoiceNumber> [--failed]`: pay an issued KHQR at the sandbox bank, which then
// sends AMK's webhook to the gateway. Talks to SANDBOX_URL, or the sandbox's default local port.
import { SANDBOX_PORT } from "../sandbox/local-config.ts";

const args = process.argv.slice(2);
const invoiceNumber = args.find((arg) => !arg.startsWith("--"));
if (!invoiceNumber || args.includes("--help")) {
  console.error("usage: npm run pay -- <invoiceNumber> [--failed]");
  process.exit(2);
}
const status = args.includes("--failed") ? "FAILED" : "SUCCESS";
const sandboxUrl = (process.env.SANDBOX_URL ?? `http://127.0.0.1:${SANDBOX_PORT}`).replace(/\/+$/, "");

let response: Response;
try {
  response = await fetch(`${sandboxUrl}/__sandbox/amk/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ invoiceNumber, status }),
  });
} catch (error) {
  console.error(
    `Cannot reach the sandbox at ${sandboxUrl} (${(error as Error).cause ?? error}). Is \`npm run dev\` or \`npm run sandbox\` running?`,
  );
  process.exit(1);
}

const result = (await response.json()) as {
  error?: string;
  invoice?: { invoiceNumber: string; billNumber: string; amount: number; currency: string; status: string; paidAt: string | null };
  webhook?: { url: string; status?: number; body?: unknown; request?: { body: unknown } };
};

if (result.invoice) {
  const { invoice } = result;
  console.log(
    `Invoice ${invoice.invoiceNumber} (bill ${invoice.billNumber}): ${invoice.amount} ${invoice.currency}, ${invoice.status} at ${invoice.paidAt ?? "-"} (GMT+7)`,
  );
}
if (result.webhook) {
  console.log(`Webhook POST ${result.webhook.url}`);
  if (result.webhook.request) console.log(`  sent:     ${JSON.stringify(result.webhook.request.body)}`);
  if (result.webhook.status !== undefined)
    console.log(`  answered: HTTP ${result.webhook.status} ${JSON.stringify(result.webhook.body, null, 2).replace(/\n/g, "\n  ")}`);
}
if (!response.ok) {
  console.error(`Failed (HTTP ${response.status}): ${result.error ?? JSON.stringify(result)}`);
  process.exit(1);
}
