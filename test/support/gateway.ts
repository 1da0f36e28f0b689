// Calls the gateway worker's real fetch handler and waits for its background work (event
// delivery) to finish, so a test can look at Kafka right after.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import gateway from "../../workers/gateway/src/index.ts";
import { tokenFor } from "./tokens.ts";

export interface CallOptions {
  method?: string;
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  env?: Partial<Cloudflare.Env>;
}

export async function callGateway(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? await tokenFor() : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const request = new Request(`https://gateway.test${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const ctx = createExecutionContext();
  const response = await gateway.fetch(request, { ...env, ...options.env } as Cloudflare.Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
