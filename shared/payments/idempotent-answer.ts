// Answering a bank request exactly once per idempotency key: admit it under the key, do the work,
// keep the answer when it is final (finality.ts), and replay it for repeats of the same request.
//
// Two sequential round trips for a request seen the first time: its first read runs beside the
// admission (`readAhead`), then its work writes once, and the final answer is kept after it is
// sent (`later`). Why each is safe:
// - the read ahead only reads; a replay, a conflict or a request in flight discards it, and work
//   admitted under the key judges what was read, as it would a moment later: the store's unique
//   keys, not the order of a read and an admission, keep a payment booked once;
// - a final answer kept after it is sent can be lost (a crash, a failed settle): the key's lease
//   then runs out, and a retry is admitted and answered the same by the records it finds (the
//   payment booked under its transaction, the exception already flagged). A retry arriving before
//   the answer is kept is told the request is in flight (409 IN_FLIGHT, Retry-After), as it would be
//   while the work ran. A refusal that is not final frees the key before answering, so its retry
//   is admitted at once.
import { errorEnvelope, PaymentError, toPaymentError } from "./errors.ts";
import { isFinalRefusal } from "./finality.ts";
import { afterAnswer, type Clock, type IdempotencyKeeper, type Later, type StoredAnswer } from "./ports.ts";

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

/**
 * `readAhead`: the work's first read, started beside the admission and handed to `work`; its
 * failure is the work's. `deps.later`: where the final answer is kept after answering (awaited
 * before answering without it).
 */
export async function answerIdempotently<Read = undefined>(
  deps: { idempotency: IdempotencyKeeper; clock: Clock; later?: Later },
  request: IdempotentRequest,
  work: (read: Read) => Promise<WorkDone>,
  readAhead?: () => Promise<Read>,
): Promise<AnsweredRequest> {
  const { idempotency, clock } = deps;
  const { key } = request;
  const print = await fingerprint(request.input);
  // Settled either way here, so a read whose answer is discarded never rejects unhandled.
  const reading = readAhead?.().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const admission = await idempotency.admit(key, print, clock.now().getTime()).catch((error: unknown) => {
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
  const keep = (answer: StoredAnswer) => afterAnswer(deps, settle(answer));
  let done: WorkDone;
  try {
    const read = reading ? await reading : { value: undefined as Read };
    if ("error" in read) throw read.error;
    done = await work(read.value);
  } catch (thrown) {
    const error = toPaymentError(thrown);
    if (!isFinalRefusal(error)) {
      await settle(null);
      throw error;
    }
    // A final refusal is an answer like a success: kept, and its events (a flagged exception) published.
    const answer = { status: error.status, body: JSON.stringify(errorEnvelope(error, request.requestId)) };
    await keep(answer);
    return { answer, replayed: false, eventIds: error.eventIds, refusal: error };
  }
  const answer = { status: 200, body: JSON.stringify({ success: true, data: done.data }) };
  await keep(answer);
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
