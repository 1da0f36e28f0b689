// Test access to the sandbox bank (AMK stand-in): seeding verify answers and reading its counters.
import { env } from "cloudflare:workers";

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/amk/${path}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox bank ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** What AMK's payment-verify will report for `txId`, or a forced reply ({code} or {httpStatus}). */
export function seedVerify(
  txId: string,
  seed: {
    status?: string;
    amount?: number;
    currency?: string;
    paidAt?: string | null;
    respond?: { code: string } | { httpStatus: number };
  },
) {
  return control("POST", "transactions", { txId, ...seed });
}

export function clearVerify(txId: string) {
  return control("DELETE", `transactions/${encodeURIComponent(txId)}`);
}

export async function verifications(txId: string): Promise<number> {
  return (await control("GET", `verifications?txId=${encodeURIComponent(txId)}`)).count;
}

/** How many QRs AMK's qr/generator minted for the invoice. */
export async function qrGenerations(invoiceNumber: string): Promise<number> {
  return (await control("GET", `qr-generations?invoiceNumber=${encodeURIComponent(invoiceNumber)}`)).count;
}

export async function signIns(): Promise<number> {
  return (await control("GET", `sign-ins?username=${encodeURIComponent(env.AMK_USERNAME)}`)).accepted;
}

export function revokeTokens() {
  return control("POST", "revoke-tokens", { username: env.AMK_USERNAME });
}

export function failQr(billNumber: string, failure: { code?: string; httpStatus?: number }) {
  return control("POST", "qr-failures", { billNumber, ...failure });
}

/** Pays an issued QR at the sandbox bank; returns the webhook AMK would send. */
export async function payAtBank(invoiceNumber: string, status = "SUCCESS"): Promise<{ authorization: string; body: any }> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/amk/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ invoiceNumber, status }),
  });
  const result = (await response.json()) as any;
  return result.webhook.request;
}

/** Waits for something that happens in the background (another invocation's waitUntil). */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
