// The Hono environment every worker's app shares: its bindings, and the per-request variables
// the middleware sets (request id, parsed configuration, authenticated client).
import type { Client, TokenVerification } from "../auth/bearer-token.ts";
import type { ErrorCode } from "../../payments/errors.ts";

export interface ApiConfig {
  tokens: TokenVerification;
}

export interface RequestVariables {
  requestId: string;
  /** The caller's own X-Request-Id, for the log only. */
  clientRequestId?: string;
  client?: Client;
  /** What the client was authenticated with: an operator form's token is derived from it (one per session). */
  credential?: { scheme: "bearer" | "access"; value: string };
  /** The outcome for the log line: the error's code and internal reason. */
  error?: { code: ErrorCode; reason?: string };
  /** Set by a handler to add to the log line (a payment id, a replay). */
  logFields?: Record<string, unknown>;
}

export interface ApiEnv<Bindings extends object, Config extends ApiConfig> {
  Bindings: Bindings;
  Variables: RequestVariables & { config: Config };
}

/** What the shared middleware needs to know of any worker's environment. */
export type AnyApiEnv = { Bindings: object; Variables: RequestVariables & { config: ApiConfig } };
