// Calls the KHQR worker's real fetch handler with its real service binding to the gateway: the
// gateway's GatewayEntrypoint reached over RPC through workerd (`exports` of the main worker).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import khqr from "../../workers/khqr/src/index.ts";
import type { KhqrBindings } from "../../workers/khqr/src/khqr-env.ts";
import { tokenFor } from "./tokens.ts";

export async function callKhqr(path: string, options: { token?: string | null; env?: Record<string, unknown> } = {}): Promise<Response> {
  const headers = new Headers();
  const token = options.token === undefined ? await tokenFor(["khqr:generate"]) : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const bindings = { ...env, GATEWAY: (exports as any).GatewayEntrypoint, ...options.env } as unknown as KhqrBindings;
  const ctx = createExecutionContext();
  const response = await khqr.fetch(new Request(`https://khqr.test${path}`, { headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export const AMK_BANK = encodeURIComponent(JSON.stringify({ id: "AMK", bank: "AMK" }));

export type QrDefect = "other-merchant" | "static" | "expired" | "png-mismatch";

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
