// Builds a worker's OpenAPI 3.1 document from its routes' descriptions, converting the routes'
// own valibot schemas with @valibot/to-json-schema. Runs at build time (`npm run openapi`) and
// in the tests, never in a worker: the converter would cost the bundle about 10 KiB.
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { ERROR_STATUS, type ErrorCode } from "../../../payments/errors.ts";
import { ERROR_CODE_MEANING } from "./error-codes.ts";
import { errorEnvelopeSchema } from "./response-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

export type JsonObject = { [key: string]: unknown };

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  /** The local URL (`npm run dev`). */
  server: string;
}

/**
 * Input mode: a parameter is documented as the string it is on the wire, before valibot's
 * transforms. Checks JSON Schema cannot say (a real calendar time, amount vs currency) are left
 * to the descriptions; they would otherwise make the conversion throw.
 */
export function jsonSchemaOf(schema: v.GenericSchema): JsonObject {
  const { $schema: _dialect, ...json } = toJsonSchema(schema, { target: "draft-2020-12", typeMode: "input", errorMode: "ignore" });
  return json as JsonObject;
}

// Inline rather than `$ref`s to components: the official 3.1 schema (2021-04-15) refuses a
// relative `$ref` there, and these are short.
const REQUEST_ID_HEADER = { description: "Our id of this request; also the body's requestId on an error", schema: { type: "string" } };
const RETRY_AFTER_HEADER = { description: "Seconds to wait before retrying", schema: { type: "string", pattern: "^[0-9]+$" } };

/** The error codes a route can answer: its own, plus those of its token, limit and body. */
export function errorCodesOf(route: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors);
  if (route.scope) ["UNAUTHORIZED", "FORBIDDEN"].forEach((c) => codes.add(c as ErrorCode));
  if (route.rateLimit) codes.add("RATE_LIMITED");
  if (route.body) ["BAD_REQUEST", "PAYLOAD_TOO_LARGE"].forEach((c) => codes.add(c as ErrorCode));
  codes.add("INTERNAL_ERROR");
  return [...codes].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b] || a.localeCompare(b));
}

function errorResponses(route: RouteDoc): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: JsonObject = {};
  for (const [status, codes] of byStatus) {
    const headers: JsonObject = { "x-request-id": REQUEST_ID_HEADER };
    if (status === 429 || codes.includes("DUPLICATE_TRANSACTION")) {
      headers["retry-after"] = RETRY_AFTER_HEADER;
    }
    const example = { success: false, requestId: "3f1c2b9e-7a4d-4e8b-9c1a-2d5e6f708192", error: { code: codes[0], message: "…" } };
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODE_MEANING[code]}`).join("; "),
      headers,
      content: { "application/json": { schema: jsonSchemaOf(errorEnvelopeSchema(codes as [ErrorCode, ...ErrorCode[]])), example } },
    };
  }
  return responses;
}

function parameters(schema: v.GenericSchema | undefined, where: "query" | "path"): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchemaOf(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === "path" || (object.required ?? []).includes(name), description, schema: rest };
  });
}

function operation(route: RouteDoc): JsonObject {
  const { success } = route;
  const contentType = success.contentType ?? "application/json";
  const successHeaders: JsonObject = { "x-request-id": REQUEST_ID_HEADER };
  for (const [name, description] of Object.entries(success.headers ?? {}))
    successHeaders[name] = { description, schema: { type: "string" } };
  const op: JsonObject = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: route.scope ? [{ bearer: [route.scope] }] : [],
  };
  const params = [...parameters(route.params, "path"), ...parameters(route.query, "query")];
  if (params.length > 0) op.parameters = params;
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { [route.body.contentType ?? "application/json"]: { schema: jsonSchemaOf(route.body.schema), example: route.body.example } },
    };
  }
  const body: JsonObject = { schema: jsonSchemaOf(success.schema) };
  if (success.example !== undefined) body.example = success.example;
  const content: JsonObject = { [contentType]: body };
  if (success.alternative) {
    content[success.alternative.contentType] = {
      schema: { ...jsonSchemaOf(success.alternative.schema), description: success.alternative.description },
    };
  }
  const pages: JsonObject = {};
  for (const page of route.pageErrors ?? []) {
    pages[String(page.status)] = { description: page.description, content: { "text/html": { schema: { type: "string" } } } };
  }
  op.responses = {
    [String(success.status)]: { description: success.description, headers: successHeaders, content },
    ...errorResponses(route),
    ...pages,
  };
  return op;
}

export function buildOpenApiDocument(info: DocumentInfo, routes: readonly RouteDoc[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = (paths[route.path] ??= {});
    if (path[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is described twice`);
    path[route.method] = operation(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: info.server, description: "local (npm run dev)" }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT whose space-separated `scope` claim holds the route's scope: payments:inquire, payments:confirm, khqr:generate or payments:operate.",
        },
      },
    },
  };
}
