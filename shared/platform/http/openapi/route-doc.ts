// What the API reference says about one route, kept beside the route's own valibot schemas so the
// document is built from the very schemas that validate its requests (docs/api.md).
// Plain object literals: a worker bundle that serves the generated document drops them unused.
import type * as v from "valibot";
import type { Scope } from "../../auth/bearer-token.ts";
import type { ErrorCode } from "../../../payments/errors.ts";

type Schema = v.GenericSchema;

export interface SuccessDoc {
  status: 200 | 201 | 303;
  description: string;
  /** The body's schema; a string schema with `contentType` text/html for pages. */
  schema: Schema;
  example?: unknown;
  contentType?: "application/json" | "text/html" | "text/event-stream";
  /** The same answer in another form the client may ask for with Accept (e.g. Server-Sent Events). */
  alternative?: { contentType: "text/event-stream" | "text/html"; schema: Schema; description: string };
  /** Headers beyond x-request-id, by name. */
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: "get" | "post";
  /** OpenAPI path template: `/ops/payments/{paymentId}` for Hono's `/ops/payments/:paymentId`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** The bearer token's scope; null for the routes anyone may call. */
  scope: Scope | null;
  /** Which limit counts the route's calls per token `sub` (none without a token). */
  rateLimit?: "app" | "bank";
  /** A v.object whose entries are the query parameters. */
  query?: Schema;
  /** A v.object whose entries are the path parameters. */
  params?: Schema;
  body?: { schema: Schema; example: unknown; contentType?: "application/json" | "application/x-www-form-urlencoded" };
  success: SuccessDoc;
  /**
   * The codes this route itself can answer. 401/403 (with a scope), 429 (with a rate limit), 413
   * (with a body) and 500 are added for every route that has them.
   */
  errors: ErrorCode[];
  /** Errors a page answers as an HTML page instead of the envelope (a checkout link that is not valid). */
  pageErrors?: { status: 404 | 429 | 503; description: string }[];
}
