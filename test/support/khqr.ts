// Calls the KHQR worker's real fetch handler with its real service binding to the gateway: the
// gateway's GatewayEntrypoint reached over RPC through workerd (`exports` of the main worker).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import khqr from "../../workers/khqr/src/index.ts";
import type { KhqrBindings } from "../../workers/khqr/src/khqr-env.ts";
import { CHECKOUT_TEST_PARTNER } from "../../sandbox/local-config.ts";
import { tokenFor } from "./tokens.ts";

export interface KhqrCallOptions {
  token?: string | null;
  env?: Record<string, unknown>;
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (property tests' broken bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function callKhqr(path: string, options: KhqrCallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? await tokenFor(["khqr:generate"]) : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const body = options.body === undefined ? options.rawBody : JSON.stringify(options.body);
  if (options.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const bindings = { ...env, GATEWAY: (exports as any).GatewayEntrypoint, ...options.env } as unknown as KhqrBindings;
  const ctx = createExecutionContext();
  const request = new Request(`https://khqr.test${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const response = await khqr.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/**
 * callKhqr signed in to the sandbox bank with its own partner account: generate-khqr.test.ts
 * counts the workers' account's sign-ins, and files run in parallel.
 */
export function callKhqrApart(path: string, options: KhqrCallOptions = {}): Promise<Response> {
  const partner = { AMK_USERNAME: CHECKOUT_TEST_PARTNER.username, AMK_PASSWORD: CHECKOUT_TEST_PARTNER.password };
  return callKhqr(path, { ...options, env: { ...partner, ...options.env } });
}

export const AMK_BANK = encodeURIComponent(JSON.stringify({ id: "AMK", bank: "AMK" }));

export type QrDefect = "other-merchant" | "static" | "expired" | "png-mismatch" | "png-garbage";

/** AMK's qr/generator answers "000" with a QR that has this defect, for `times` calls (default: every call). */
export async function tamperQr(billNumber: string, kind: QrDefect, times?: number): Promise<void> {
  const response = await fetch(`${env.SANDBOX_URL}/__sandbox/amk/qr-tampering`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ billNumber, kind, times }),
  });
  if (response.status !== 201) throw new Error(`sandbox bank qr-tampering: ${response.status} ${await response.text()}`);
}

/** An AMK_SESSION binding whose every read and write fails, as KV does in an outage. */
export const failingSessions = {
  get: () => Promise.reject(new Error("KV GET failed: 503")),
  put: () => Promise.reject(new Error("KV PUT failed: 503")),
} as unknown as KVNamespace;

/** A checkout page's path (`/pay/{token}`) from a checkout link. */
export function checkoutPath(url: string): string {
  return new URL(url).pathname;
}

/** Reads Server-Sent Events from a response body: each call gives the next event (comments skipped). */
export function eventReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  // A read still pending when a wait timed out is kept for the next call, so no chunk is lost.
  let pending: Promise<ReadableStreamReadResult<string>> | null = null;
  return {
    async next(timeoutMs = 5_000): Promise<{ event: string; data: any } | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n").filter((line) => !line.startsWith(":"));
          if (lines.length === 0) continue;
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
          const data = lines
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          return { event, data: JSON.parse(data) };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no event within the time allowed");
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left))]);
        if (chunk === "timeout") continue;
        pending = null;
        if (chunk.done) return null;
        buffer += chunk.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** Moves the QR issued for `paymentId` to expire at `expiresAt` (as if its time had passed). */
export async function expireQrAt(paymentId: number, expiresAt: Date): Promise<void> {
  await env.DB.prepare("UPDATE khqr_issuances SET expires_at = ? WHERE invoice_number = ?")
    .bind(expiresAt.toISOString(), String(paymentId))
    .run();
}
