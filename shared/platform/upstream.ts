// Calling an upstream (AMK, the Integration Service): a timeout, the circuit breaker, and one
// mapping of "unreachable" to 503 SERVER_UNAVAILABLE. Callers judge the answers themselves.
import { circuitFor } from "./circuit-breaker.ts";
import { PaymentError } from "../payments/errors.ts";

export interface UpstreamCall {
  /** Names the upstream in messages and keys its circuit breaker. */
  upstream: string;
  timeoutMs: number;
}

/**
 * Fetches through the upstream's circuit. Network errors, timeouts and 5xx answers count as
 * failures and become SERVER_UNAVAILABLE; any other answer is returned for the caller to judge.
 */
export async function fetchUpstream(call: UpstreamCall, url: string, init: RequestInit): Promise<Response> {
  const breaker = circuitFor(call.upstream);
  if (!breaker.allows(Date.now())) {
    throw unavailable(call, "circuit open");
  }
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(call.timeoutMs) });
  } catch (error) {
    breaker.failed(Date.now());
    const reason = error instanceof Error && error.name === "TimeoutError" ? `timed out after ${call.timeoutMs} ms` : String(error);
    throw unavailable(call, reason);
  }
  if (response.status >= 500) {
    breaker.failed(Date.now());
    await response.body?.cancel();
    throw unavailable(call, `HTTP ${response.status}`);
  }
  breaker.succeeded();
  return response;
}

function unavailable(call: UpstreamCall, reason: string): PaymentError {
  return new PaymentError("SERVER_UNAVAILABLE", `${call.upstream} is unavailable; retry later`, { reason: `${call.upstream}: ${reason}` });
}
