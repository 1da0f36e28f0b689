// Runs one confirmation under its idempotency key: admit, do the work, keep the final answer.
import { PaymentError, toPaymentError, errorEnvelope } from "../../../shared/errors.ts";
import type { StoredAnswer, WebhookIdempotency } from "./webhook-idempotency.ts";

export interface IdempotentResult {
  answer: StoredAnswer;
  replayed: boolean;
}

export async function fingerprint(input: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(input)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `work` returns the success body; a PaymentError it throws becomes the stored answer when final,
 * and frees the key when retryable (5xx, AMK still settling), so the bank's retry can succeed.
 */
export async function runIdempotent(
  namespace: DurableObjectNamespace<WebhookIdempotency>,
  key: string,
  input: unknown,
  requestId: string,
  work: () => Promise<unknown>,
): Promise<IdempotentResult> {
  const stub = namespace.get(namespace.idFromName(key));
  const admission = await stub.admit(await fingerprint(input), Date.now()).catch((error: unknown) => {
    throw new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", {
      reason: `idempotency admit: ${String(error)}`,
    });
  });
  switch (admission.kind) {
    case "replay":
      return { answer: admission.answer, replayed: true };
    case "conflict":
      throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction was already received with different details", { details: key });
    case "in-flight":
      throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction is already being processed; retry shortly", {
        details: key,
        headers: { "retry-after": "1" },
      });
  }
  // A lost settle only costs the replay: the key's lease runs out, and the ledger's unique keys
  // still answer a retry of an already recorded payment with the same success.
  const settle = (answer: StoredAnswer | null) =>
    stub
      .settle(admission.lease, answer, Date.now())
      .catch((error: unknown) =>
        console.log(JSON.stringify({ service: "gateway", idempotency: "settle-failed", key, reason: String(error) })),
      );
  let answer: StoredAnswer;
  try {
    answer = { status: 200, body: JSON.stringify({ success: true, data: await work() }) };
  } catch (thrown) {
    const error = toPaymentError(thrown);
    await settle(error.retryable ? null : { status: error.status, body: JSON.stringify(errorEnvelope(error, requestId)) });
    throw error;
  }
  await settle(answer);
  return { answer, replayed: false };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
