// Answering a bank request exactly once per idempotency key: admit it under the key, do the work,
// keep the answer when it is final (finality.ts), and replay it for repeats of the same request.
import { errorEnvelope, PaymentError, toPaymentError } from "./errors.ts";
import { isFinalRefusal } from "./finality.ts";
import type { Clock, IdempotencyKeeper, StoredAnswer } from "./ports.ts";

export interface IdempotentRequest {
  key: string;
  /** What identifies the request's content: a repeat with other content is a conflict. */
  input: unknown;
  requestId: string;
}

export interface AnsweredRequest {
  answer: StoredAnswer;
  replayed: boolean;
  /** Events the work recorded, to publish after answering (none on a replay). */
  eventIds: readonly string[];
  /** The final refusal the answer carries, when the work refused (not on a replay). */
  refusal?: PaymentError;
}

/** The work's success: the response `data`, and the ids of the events it recorded. */
export interface WorkDone {
  data: unknown;
  eventIds: readonly string[];
}

export async function answerIdempotently(
  deps: { idempotency: IdempotencyKeeper; clock: Clock },
  request: IdempotentRequest,
  work: () => Promise<WorkDone>,
): Promise<AnsweredRequest> {
  const { idempotency, clock } = deps;
  const { key } = request;
  const admission = await idempotency.admit(key, await fingerprint(request.input), clock.now().getTime()).catch((error: unknown) => {
    throw new PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", {
      reason: `idempotency admit: ${String(error)}`,
    });
  });
  switch (admission.kind) {
    case "replay":
      return { answer: admission.answer, replayed: true, eventIds: [] };
    case "conflict":
      throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction was already received with different details", {
        reason: `idempotency key ${key}`,
      });
    case "in-flight":
      // Machine-readable "retry": the details and Retry-After tell it from a final conflict.
      throw new PaymentError("DUPLICATE_TRANSACTION", "This transaction is already being processed; retry shortly", {
        details: "IN_FLIGHT",
        reason: `idempotency key ${key} in flight`,
        headers: { "retry-after": "1" },
      });
  }
  // A lost settle only costs the replay: the key's lease runs out, and the ledger's unique keys
  // still answer a retry of an already recorded payment with the same success.
  const settle = (answer: StoredAnswer | null) =>
    idempotency
      .settle(key, admission.lease, answer, clock.now().getTime())
      .catch((error: unknown) => console.log(JSON.stringify({ idempotency: "settle-failed", key, reason: String(error) })));
  let done: WorkDone;
  try {
    done = await work();
  } catch (thrown) {
    const error = toPaymentError(thrown);
    if (!isFinalRefusal(error)) {
      await settle(null);
      throw error;
    }
    // A final refusal is an answer like a success: kept, and its events (a flagged exception) published.
    const answer = { status: error.status, body: JSON.stringify(errorEnvelope(error, request.requestId)) };
    await settle(answer);
    return { answer, replayed: false, eventIds: error.eventIds, refusal: error };
  }
  const answer = { status: 200, body: JSON.stringify({ success: true, data: done.data }) };
  await settle(answer);
  return { answer, replayed: false, eventIds: done.eventIds };
}

/** SHA-256 of the input's canonical JSON (keys sorted), hex. */
export async function fingerprint(input: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(input)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
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
