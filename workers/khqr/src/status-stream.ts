// The live form of a payment's status (docs/api.md): Server-Sent Events named `status`,
// the current reading at once, then each change, until PAID or EXPIRED or five minutes have passed.
// It polls the gateway over the service binding once a second (README "Checkout page and payment
// status" says why polling): a payment shows up at most about a second after the gateway commits it.
import type { Context } from "hono";
import { isFinalStatus, statusChanged, type PaymentStatus } from "#shared/payments/payment-status.ts";

export const STATUS_POLL_MS = 1_000;
/** Clients reconnect after this (EventSource does so by itself); bounds what one stream costs. */
export const STATUS_STREAM_MAX_MS = 5 * 60_000;

export function wantsEventStream(c: Context): boolean {
  return (c.req.header("accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** Streams `first`, then every changed reading of `read()`; a failed reading is skipped, not sent. */
export function statusStream(c: Context, first: PaymentStatus, read: () => Promise<PaymentStatus>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let open = true;
  // A write fails once the client has gone (the response body was cancelled): stop polling then.
  const write = (text: string) =>
    writer.write(encoder.encode(text)).catch(() => {
      open = false;
    });
  const send = (status: PaymentStatus) => write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);

  const run = async () => {
    const deadline = Date.now() + STATUS_STREAM_MAX_MS;
    let last = first;
    await send(first);
    while (open && !isFinalStatus(last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      let next: PaymentStatus;
      try {
        next = await read();
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
        await write(":\n\n");
      }
    }
    await writer.close().catch(() => {});
  };
  void run();
  return c.body(readable, 200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-store",
    "x-accel-buffering": "no",
  });
}
