// The live form of a payment's status (docs/api.md): Server-Sent Events named `status`,
// the current reading at once, then each change, until PAID or EXPIRED or five minutes have passed.
// It polls the gateway over the service binding once a second (README "Checkout page and payment
// status" says why polling): a payment shows up at most about a second after the gateway commits it.
// A link is public, so what its streams cost is bounded: every stream of one payment in an isolate
// shares one reading a second (many pages cost the gateway what one does), and at most
// MAX_STREAMS_PER_PAYMENT of them are open at once in an isolate.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { isFinalStatus, statusChanged, type PaymentStatus } from "#shared/payments/payment-status.ts";

export const STATUS_POLL_MS = 1_000;
/** Clients reconnect after this (EventSource does so by itself); bounds what one stream costs. */
export const STATUS_STREAM_MAX_MS = 5 * 60_000;
/** Open streams of one payment in one isolate: a customer's tabs and devices, not a crowd. */
export const MAX_STREAMS_PER_PAYMENT = 10;

/** The isolate's open streams per payment, and its last reading of each (shared by those streams). */
const openStreams = new Map<number, number>();
const readings = new Map<number, { status: PaymentStatus; atMs: number }>();
/** When a stream of this isolate started reading the payment's status, while it reads. */
const readingSince = new Map<number, number>();
/** A stream waits this long at most for another stream's reading before reading itself. */
const WAIT_FOR_READING_MS = 1_000;

/**
 * The payment's status as read at most one poll ago by any stream of this isolate, else read now
 * by one stream while the others wait for its reading. Only plain values are shared between
 * requests: each stream reads and writes in its own request.
 */
async function sharedReading(paymentId: number, read: () => Promise<PaymentStatus>): Promise<PaymentStatus> {
  for (let waitedMs = 0; ; waitedMs += 50) {
    const kept = readings.get(paymentId);
    if (kept && Date.now() - kept.atMs < STATUS_POLL_MS - 50) return kept.status;
    const since = readingSince.get(paymentId);
    if (since === undefined || Date.now() - since > WAIT_FOR_READING_MS || waitedMs >= WAIT_FOR_READING_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  readingSince.set(paymentId, Date.now());
  try {
    const status = await read();
    readings.set(paymentId, { status, atMs: Date.now() });
    return status;
  } finally {
    readingSince.delete(paymentId);
  }
}

/** A place for one more stream of the payment in this isolate (give it back with `release`), or null when they are all taken. */
export function reserveStream(paymentId: number): { release(): void } | null {
  const open = openStreams.get(paymentId) ?? 0;
  if (open >= MAX_STREAMS_PER_PAYMENT) return null;
  openStreams.set(paymentId, open + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (openStreams.get(paymentId) ?? 1) - 1;
      if (left > 0) openStreams.set(paymentId, left);
      else (openStreams.delete(paymentId), readings.delete(paymentId), readingSince.delete(paymentId));
    },
  };
}

export function wantsEventStream(c: Context): boolean {
  return (c.req.header("accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** Streams `first`, then every changed reading of `read()`; a failed reading is skipped, not sent. */
export function statusStream(c: Context, slot: { release(): void }, first: PaymentStatus, read: () => Promise<PaymentStatus>): Response {
  const { paymentId } = first;
  const response = streamSSE(c, async (stream) => {
    try {
      const deadline = Date.now() + STATUS_STREAM_MAX_MS;
      let last = first;
      const send = (status: PaymentStatus) => stream.writeSSE({ event: "status", data: JSON.stringify(status) });
      await send(first);
      // `aborted` is set once the client has gone (the response body was cancelled): stop polling then.
      while (!stream.aborted && !isFinalStatus(last) && Date.now() < deadline) {
        await stream.sleep(STATUS_POLL_MS);
        let next: PaymentStatus;
        try {
          next = await sharedReading(paymentId, read);
        } catch (error) {
          // The gateway unreachable for a moment: keep the stream, try again next second.
          console.log(JSON.stringify({ service: "khqr", stream: "status-read-failed", reason: String(error) }));
          continue;
        }
        if (statusChanged(last, next)) {
          last = next;
          await send(next);
        } else {
          // An SSE comment: clients ignore it, and it tells us within a second when nobody listens any more.
          await stream.write(":\n\n");
        }
      }
    } finally {
      slot.release();
    }
  });
  // streamSSE's own Content-Type and Cache-Control, narrowed: UTF-8 said outright, and nothing kept by any cache.
  response.headers.set("content-type", "text/event-stream; charset=utf-8");
  response.headers.set("cache-control", "no-cache, no-store");
  response.headers.set("x-accel-buffering", "no");
  return response;
}
